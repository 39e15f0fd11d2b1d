// What Tab completes from in this shell: the command table, the session's
// variables with their kinds and fields, an agent's variables, file names.
// The line editor (console/) asks for it through the function read_line
// is given; it is put together here, where the session and the agents are.
#pragma once
#include "console/completion.hpp"

namespace ipcsh {

class Session;
CompletionTable completion_table(Session& session);

}  // namespace ipcsh
