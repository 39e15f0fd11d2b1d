// Every result shape by name. A handler returns a result of one shape, the
// shell's renderer finds its sentence by it (session/sentences.cpp), and the
// agent wire carries its text: a shape is named here once, and a misspelt
// one does not compile.
#pragma once
#include <string_view>

namespace ipcsh::shape {

inline constexpr std::string_view access_check = "access-check";
inline constexpr std::string_view agent_exited = "agent-exited";
inline constexpr std::string_view already_connected = "already-connected";
inline constexpr std::string_view associated = "associated";
inline constexpr std::string_view already_exited = "already-exited";
inline constexpr std::string_view cancelled = "cancelled";
inline constexpr std::string_view closed = "closed";
inline constexpr std::string_view completion_posted = "completion-posted";
inline constexpr std::string_view closed_pseudo = "closed-pseudo";
inline constexpr std::string_view connected = "connected";
inline constexpr std::string_view cut_short = "cut-short";
inline constexpr std::string_view disconnected = "disconnected";
inline constexpr std::string_view dup_to = "dup-to";
inline constexpr std::string_view flushed = "flushed";
inline constexpr std::string_view graph_file = "graph-file";
inline constexpr std::string_view handle_value = "handle-value";
inline constexpr std::string_view help = "help";
inline constexpr std::string_view help_command = "help-command";
inline constexpr std::string_view help_family = "help-family";
inline constexpr std::string_view help_search = "help-search";
inline constexpr std::string_view hexdump = "hexdump";
inline constexpr std::string_view message_result = "message-result";
inline constexpr std::string_view io_cancelled = "io-cancelled";
inline constexpr std::string_view more_data = "more-data";
inline constexpr std::string_view no_message = "no-message";
inline constexpr std::string_view pipe_ends = "pipe-ends";
inline constexpr std::string_view pipe_free = "pipe-free";
inline constexpr std::string_view pipe_mode = "pipe-mode";
inline constexpr std::string_view posted = "posted";
inline constexpr std::string_view pulsed = "pulsed";
inline constexpr std::string_view ran = "ran";
inline constexpr std::string_view read_timeout = "read-timeout";
inline constexpr std::string_view record_off = "record-off";
inline constexpr std::string_view record_on = "record-on";
inline constexpr std::string_view released = "released";
inline constexpr std::string_view released_mutex = "released-mutex";
inline constexpr std::string_view remote = "remote";
inline constexpr std::string_view reset = "reset";
inline constexpr std::string_view resumed = "resumed";
inline constexpr std::string_view security = "security";
inline constexpr std::string_view security_set = "security-set";
inline constexpr std::string_view sent = "sent";
inline constexpr std::string_view set = "set";
inline constexpr std::string_view show = "show";
inline constexpr std::string_view snapshot = "snapshot";
inline constexpr std::string_view still_active = "still-active";
inline constexpr std::string_view terminated = "terminated";
inline constexpr std::string_view timer_set = "timer-set";
inline constexpr std::string_view trace = "trace";
inline constexpr std::string_view unmapped = "unmapped";
inline constexpr std::string_view values = "values";
inline constexpr std::string_view wait = "wait";
inline constexpr std::string_view wrote = "wrote";

}  // namespace ipcsh::shape
