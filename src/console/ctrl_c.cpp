// Ctrl+C and Ctrl+Break interrupt the sessions that asked (CtrlCHandler)
// instead of ending the process.
#include <windows.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "console.hpp"
#include "session/session.hpp"

namespace ipcsh {
namespace {

// Process-wide by nature: a process has one console control handler, and
// Windows calls it on a thread of its own. It interrupts every session
// registered here (one in ipcsh itself); a session leaves the list when
// its CtrlCHandler ends.
struct Registered {
  std::mutex lock;
  std::vector<Session*> sessions;
};

Registered& registered() {
  static Registered r;
  return r;
}

BOOL WINAPI on_ctrl(DWORD type) {
  if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return FALSE;
  Registered& r = registered();
  std::lock_guard lock(r.lock);
  if (r.sessions.empty()) return FALSE;
  for (Session* session : r.sessions) session->interrupt();
  return TRUE;
}

}  // namespace

CtrlCHandler::CtrlCHandler(Session& session) : session_(session) {
  Registered& r = registered();
  std::lock_guard lock(r.lock);
  if (r.sessions.empty()) SetConsoleCtrlHandler(on_ctrl, TRUE);
  r.sessions.push_back(&session_);
}

CtrlCHandler::~CtrlCHandler() {
  Registered& r = registered();
  std::lock_guard lock(r.lock);
  std::erase(r.sessions, &session_);
  if (r.sessions.empty()) SetConsoleCtrlHandler(on_ctrl, FALSE);
}

}  // namespace ipcsh
