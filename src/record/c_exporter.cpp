#include "c_exporter.hpp"
#include "core/escape.hpp"

#include <windows.h>

#include <filesystem>
#include <fstream>
#include <fmt/format.h>

#include "core/command.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

#ifndef IPCSH_VERSION
#define IPCSH_VERSION "0.0.0"
#endif

namespace ipcsh {
namespace {

constexpr const char* preamble =
#include "c_preamble.inc"
    ;

// A C string literal for bytes (with its length passed separately).
// Text safe inside a C string literal.
std::string c_escape(std::string_view text) {
  return escape(text, escapes::c_text);
}

// Text safe inside /* */.
std::string comment_text(std::string text) {
  for (std::size_t at; (at = text.find("*/")) != std::string::npos;) text.replace(at, 2, "* /");
  for (std::size_t at; (at = text.find("/*")) != std::string::npos;) text.replace(at, 2, "/ *");
  return text;
}

std::string c_bytes(std::string_view bytes) {
  return escape(bytes, escapes::c_bytes);
}

// A wide literal: UTF-8 text as UTF-16 code units.
std::string c_wide(std::string_view text) {
  std::string out = "L\"";
  for (wchar_t c : to_wide(text)) {
    if (c == L'"' || c == L'\\') out += std::string("\\") + static_cast<char>(c);
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else out += fmt::format("\\x{:04x}\" L\"", static_cast<unsigned>(c));  // end the hex escape
  }
  return out + "\"";
}

std::optional<std::int64_t> hex_value(std::string_view text) {
  if (text.rfind("0x", 0) != 0) return std::nullopt;
  return parse_number(text);
}

// "(copy 0x70)", "(read 0x6c, write 0x70)", "(pid 12, process 0x74, thread 0x78)": value after `key `.
std::optional<std::int64_t> detail_value(const std::string& detail, std::string_view key) {
  auto at = detail.find(std::string(key) + " ");
  if (at == std::string::npos) return std::nullopt;
  auto start = at + key.size() + 1;
  auto end = detail.find_first_of(",)", start);
  return parse_number(detail.substr(start, end - start));
}

// "[0x60, 0x64]" as the trace shows a list of handles -> their values.
std::vector<std::int64_t> listed_handles(std::string_view list) {
  std::vector<std::int64_t> out;
  if (list.size() < 2) return out;
  list = list.substr(1, list.size() - 2);
  while (!list.empty()) {
    auto end = list.find(", ");
    if (auto v = parse_number(list.substr(0, end))) out.push_back(*v);
    list = end == std::string_view::npos ? std::string_view() : list.substr(end + 2);
  }
  return out;
}

bool is_c_literal(std::string_view s) {
  for (auto ok : {"NULL", "TRUE", "FALSE", "INVALID_HANDLE_VALUE", "HWND_MESSAGE"})
    if (s == ok) return true;
  return false;
}

// The APIs whose calls the generic form below writes as C that compiles and
// does the same: `show_handle("API", (HANDLE)API(args), bad)` or
// `show_bool("API", API(args))`, each argument as the trace renders it.
// (Calls with their own form are in statement().) Any other API - a new
// command's - is not guessed at: the C gets a comment and a #pragma message
// naming it, so the program still builds and says what it leaves out.
bool generic_form_known(std::string_view api) {
  for (auto known : {"CreateFileW", "CreateMailslotW", "CreateNamedPipeW", "CreateEventW", "OpenEventW", "SetEvent",
                     "ResetEvent", "PulseEvent", "CreateMutexW", "OpenMutexW", "ReleaseMutex", "CreateSemaphoreW",
                     "OpenSemaphoreW", "CreateWaitableTimerW", "OpenWaitableTimerW", "CancelWaitableTimer",
                     "CreateFileMappingW", "OpenFileMappingW", "MapViewOfFile", "UnmapViewOfFile",
                     "DisconnectNamedPipe", "SetHandleInformation", "SetMailslotInfo", "TerminateProcess",
                     "WaitNamedPipeW", "OpenProcess", "CreateJobObjectW", "AssignProcessToJobObject",
                     "TerminateJobObject"})
    if (api == known) return true;
  return false;
}

// Calls ipcsh makes only to find out something to show, or that C here
// does not express: comments.
bool shown_only(std::string_view api) {
  return api.rfind("Nt", 0) == 0 || api == "WSAStartup" || api == "getaddrinfo" || api == "select" ||
         api == "WSASocketW" || api == "RegisterClassExW" || api == "CreateWindowExW" ||
         api == "GetKernelObjectSecurity" || api == "OpenProcessToken" || api == "DuplicateToken" || api == "AccessCheck";
}

}  // namespace

CExporter::CExporter(const std::string& path, const std::string& how) : path_(path), how_(how) { save(); }

std::string CExporter::new_var(std::int64_t value, const char* prefix) {
  std::string name = fmt::format("{}{}", prefix, ++counter_);
  declarations_.push_back(fmt::format("  HANDLE {} = NULL;", name));
  vars_[value] = name;
  return name;
}

std::string CExporter::handle_expr(std::int64_t value) {
  if (value == -1) return "GetCurrentProcess()";
  if (value == 0) return "NULL";
  auto it = vars_.find(value);
  if (it != vars_.end()) return it->second;
  return fmt::format("(HANDLE)(LONG_PTR){:#x}", value);  // a value this program did not make (inherited)
}

std::string CExporter::arg(const win::OwnedArg& owned) {
  const win::Arg& a = owned.arg;
  switch (a.as) {
    case win::Arg::As::number: return std::to_string(a.n);
    case win::Arg::As::hex: return fmt::format("{:#x}", static_cast<std::uint64_t>(a.n));
    case win::Arg::As::text: return c_wide(owned.text);
    case win::Arg::As::flags:
    case win::Arg::As::value: return win::show(a);
    case win::Arg::As::inherit: return a.n ? "&inherit_yes" : "&inherit_no";
    case win::Arg::As::security: {
      auto sd = descriptors_.find(owned.text);
      return fmt::format("security_attributes({}, {})", sd == descriptors_.end() ? "NULL" : sd->second,
                         a.n ? "TRUE" : "FALSE");
    }
    case win::Arg::As::handle: return handle_expr(a.n);
    case win::Arg::As::data: return fmt::format("{}, {}", c_bytes(owned.text), owned.text.size());
    case win::Arg::As::literal: return is_c_literal(owned.text) ? owned.text : std::string();
  }
  return {};
}

std::string CExporter::statement(const win::CallEvent& e) {
  const std::string& api = e.api;
  auto args = [&](std::size_t from = 0) {
    std::string out;
    for (std::size_t i = from; i < e.args.size(); ++i) {
      std::string a = arg(e.args[i]);
      if (a.empty()) return std::string("?");
      out += (out.empty() ? "" : ", ") + a;
    }
    return out;
  };
  auto h = [&](std::size_t i) { return i < e.args.size() ? arg(e.args[i]) : std::string("NULL"); };
  // ipcsh's own machinery (a child's channel): the C has no such channel.
  if (e.own) return fmt::format("/* ipcsh's own, not exported: {} */", comment_text(e.line()));
  // A wait on pipe ends (win32_readable.cpp) is a mechanism: zero-byte
  // reads with events of ipcsh's own, a wait on those, cancels and results.
  // Its calls are written as comments, not as C that would act otherwise.
  bool readable_wait = (api == "ReadFile" && e.args.size() == 3) || api == "CancelIoEx" ||
                       api == "GetOverlappedResult" || api == "CancelSynchronousIo" ||
                       (api == "WaitForMultipleObjects" && e.args.size() > 1 &&
                        e.args[1].text.find("readable") != std::string::npos);
  // An I/O started with --async (its OVERLAPPED outlives the command) and
  // what reads it later: the C here writes blocking calls, so a comment.
  bool async_io = (!e.args.empty() && e.args.back().text == "&overlapped" &&
                   (api == "ReadFile" || api == "WriteFile" || api == "ConnectNamedPipe") && e.args.size() != 3) ||
                  (api == "GetOverlappedResult" && e.args.size() == 4);
  if (async_io)
    return fmt::format("/* {}: overlapped I/O (--async), not exported */", comment_text(e.line()));
  if (readable_wait)
    return fmt::format("/* {}: part of ipcsh's wait on a pipe end (a zero-byte read), not exported */",
                       comment_text(e.line()));
  if (api == "ConvertStringSecurityDescriptorToSecurityDescriptorW") {
    std::string sd = fmt::format("sd{}", ++counter_);
    declarations_.push_back(fmt::format("  PSECURITY_DESCRIPTOR {} = NULL;", sd));
    descriptors_[e.args[0].text] = sd;
    last_descriptor_ = sd;
    return fmt::format("show_bool(\"{}\", {}({}, SDDL_REVISION_1, &{}, NULL));", api, api, arg(e.args[0]), sd);
  }
  if (api == "SetKernelObjectSecurity")
    return fmt::format("show_bool(\"{}\", {}({}, {}, {}));", api, api, h(0), win::show(e.args[1].arg),
                       last_descriptor_.empty() ? "NULL" : last_descriptor_);
  if (api == "WriteFile") return fmt::format("io_write({}, {});", h(0), arg(e.args[1]));
  if (api == "ReadFile") return fmt::format("io_read({}, {});", h(0), arg(e.args[1]));
  if (api == "ConnectNamedPipe") return fmt::format("io_connect({});", h(0));
  if (api == "TransactNamedPipe") return fmt::format("io_transact({}, {}, {});", h(0), arg(e.args[1]), arg(e.args[2]));
  if (api == "GetMailslotInfo") return fmt::format("mailslot_info({});", h(0));
  if (api == "PeekNamedPipe") return fmt::format("peek({}, {});", h(0), arg(e.args[1]));
  if (api == "SetNamedPipeHandleState") return fmt::format("pipe_read_mode({}, {});", h(0), arg(e.args[1]));
  if (api == "GetNamedPipeInfo") return fmt::format("pipe_info({});", h(0));
  if (api == "ReleaseSemaphore") return fmt::format("release_semaphore({}, {});", h(0), arg(e.args[1]));
  if (api == "SetWaitableTimer") return fmt::format("set_timer({}, {}LL, {});", h(0), arg(e.args[1]), arg(e.args[2]));
  if (api == "GetExitCodeProcess") return fmt::format("exit_code({});", h(0));
  if (api == "SetInformationJobObject") return fmt::format("kill_on_close({});", h(0));
  if (api == "ResumeThread" || api == "GetProcessId")
    return fmt::format("show_number(\"{}\", {}({}));", api, api, h(0));
  if (api == "WaitForSingleObject") return fmt::format("show_wait(\"{}\", WaitForSingleObject({}, {}));", api, h(0), arg(e.args[1]));
  if (api == "WaitForMultipleObjects") {
    std::string handles;  // [0x60, 0x64] -> the variables
    for (auto v : listed_handles(e.args[1].text)) handles += (handles.empty() ? "" : ", ") + handle_expr(v);
    return fmt::format("{{ HANDLE waited[] = {{{}}}; show_wait(\"{}\", WaitForMultipleObjects({}, waited, {}, {})); }}",
                       handles, api, arg(e.args[0]), e.args[2].text, arg(e.args[3]));
  }
  if (api == "InitializeProcThreadAttributeList") return {};  // spawn() below makes the list
  if (api == "UpdateProcThreadAttribute") {
    handle_list_ = e.args[2].text;
    return {};
  }
  if (api == "CreateProcessW") {
    std::vector<std::string> handles;
    for (auto v : listed_handles(handle_list_)) handles.push_back(handle_expr(v));
    handle_list_.clear();
    // The command line may name handle values (send 0x6c hi): this program's
    // values may differ, so they are printed in at run time.
    std::string line = e.args[1].text, format, values;
    for (std::size_t i = 0; i < line.size();) {
      if (line.compare(i, 2, "0x") == 0) {
        std::size_t end = i + 2;
        while (end < line.size() && std::isxdigit(static_cast<unsigned char>(line[end]))) ++end;
        auto v = parse_number(line.substr(i, end - i));
        if (v && vars_.count(*v)) {
          format += "0x%llx";
          values += ", (unsigned long long)(ULONG_PTR)" + vars_[*v];
          i = end;
          continue;
        }
      }
      format += line[i] == '%' ? "%%" : std::string(1, line[i]);
      ++i;
    }
    std::string std_handles = "NULL, NULL, NULL";
    const std::string& startup = e.args.size() > 8 ? e.args[8].text : std::string();
    if (startup.rfind("&{STARTF_USESTDHANDLES ", 0) == 0) {
      std::string rest = startup.substr(23, startup.size() - 24), parts;
      std::size_t s2 = 0;
      for (int k = 0; k < 3; ++k) {
        auto sp = rest.find(' ', s2);
        std::string one = rest.substr(s2, sp == std::string::npos ? std::string::npos : sp - s2);
        auto v = one == "NULL" ? std::optional<std::int64_t>(0) : parse_number(one);
        parts += (k ? ", " : "") + (v ? handle_expr(*v) : std::string("NULL"));
        s2 = sp == std::string::npos ? rest.size() : sp + 1;
      }
      std_handles = parts;
    }
    auto process = detail_value(e.detail, "process"), thread = detail_value(e.detail, "thread");
    std::string pi = fmt::format("pi{}", ++counter_);
    declarations_.push_back(fmt::format("  PROCESS_INFORMATION {} = {{0}};", pi));
    std::string code = fmt::format(
        "{{ wchar_t command_line[32768]; HANDLE list[] = {{{}}};\n    _snwprintf(command_line, 32768, {}{});\n"
        "    spawn(command_line, {}, {}, list, {}, {}, {}, &{}); }}",
        handles.empty() ? "NULL" : [&] { std::string j; for (auto& x : handles) j += (j.empty() ? "" : ", ") + x; return j; }(),
        c_wide(format), values, e.args[2].arg.as == win::Arg::As::security ? arg(e.args[2]) : "NULL", e.args[4].text, handles.size(), win::show(e.args[5].arg), std_handles, pi);
    if (process) vars_[*process] = pi + ".hProcess";
    if (thread) vars_[*thread] = pi + ".hThread";
    return code;
  }
  if (api == "DuplicateHandle") {
    auto value = detail_value(e.detail, "copy");
    std::string source_process = h(0), source = h(1), target_process = h(2);  // before the copy's value is taken
    bool here = target_process == "GetCurrentProcess()";
    std::string target = value && here && !e.error ? new_var(*value, "h") : fmt::format("copy{}", ++counter_);
    if (!(value && here && !e.error)) declarations_.push_back(fmt::format("  HANDLE {} = NULL;", target));
    return fmt::format("show_bool(\"DuplicateHandle\", DuplicateHandle({}, {}, {}, &{}, {}, {}, {}));", source_process,
                       source, target_process, target, arg(e.args[4]), e.args[5].text, arg(e.args[6]));
  }
  if (api == "CreatePipe") {
    auto r = detail_value(e.detail, "read"), w = detail_value(e.detail, "write");
    std::string rv = r ? new_var(*r, "h") : "unused_read", wv = w ? new_var(*w, "h") : "unused_write";
    return fmt::format("show_bool(\"CreatePipe\", CreatePipe(&{}, &{}, {}, {}));", rv, wv,
                       e.args[2].arg.as == win::Arg::As::security ? arg(e.args[2]) : "NULL", arg(e.args[3]));
  }
  if (api == "CloseHandle") {
    auto v = e.args.empty() ? std::nullopt : std::optional<std::int64_t>(e.args[0].arg.n);
    std::string code = fmt::format("show_bool(\"CloseHandle\", CloseHandle({}));", h(0));
    if (v && !e.error) vars_.erase(*v);
    return code;
  }
  std::string all = args();
  if (shown_only(api))
    return fmt::format("/* {}: not exported (made to show a result, or not plain Win32 C here) */", comment_text(e.line()));
  if (all == "?" || !generic_form_known(api)) {
    // Never C that might not compile: say what is left out, in the file and at build time.
    return fmt::format("/* NOT EXPORTED: {} - ipcsh's C export has no form for this call */\n"
                       "#pragma message(\"ipcsh record --c: {} is not exported; this program does not make the call\")",
                       comment_text(e.line()), api);
  }
  // A handle-returning call (the trace shows a handle value or the failure).
  auto value = hex_value(e.result);
  bool handle_result = value || e.result == "INVALID_HANDLE_VALUE" || e.result == "NULL";
  if (handle_result) {
    const char* bad = api == "CreateFileW" || api == "CreateMailslotW" || api == "CreateNamedPipeW"
                          ? "INVALID_HANDLE_VALUE" : "NULL";
    std::string var = value ? new_var(*value, "h") : fmt::format("failed{}", ++counter_);
    if (!value) declarations_.push_back(fmt::format("  HANDLE {} = NULL;", var));
    return fmt::format("{} = show_handle(\"{}\", (HANDLE){}({}), {});", var, api, api, all, bad);
  }
  return fmt::format("show_bool(\"{}\", {}({}));", api, api, all);
}

void CExporter::call(const win::CallEvent& event) { pending_.push_back(event); }

void CExporter::observe(const Invocation& call) {
  if (call.depth != 1) return;  // calls made inside Lua or ipc.run stay with their command
  std::vector<win::CallEvent> calls = std::move(pending_);
  pending_.clear();
  // An OwnedArg's view points into its own text, and copies and moves (a
  // short string lives inside the object) leave it pointing at the old one.
  for (auto& c : calls)
    for (auto& a : c.args)
      if (!a.arg.s.empty() || !a.text.empty()) a.arg.s = a.text;
  std::string text;
  if (call.text)
    for (const auto& w : call.text->words) text += (text.empty() ? "" : " ") + (w.quoted ? "\"" + w.text + "\"" : w.text);
  if (call.text && !call.text->assign_to.empty()) text = call.text->assign_to + " = " + text;
  if (text.empty()) text = std::string(call.line);
  if (text.empty() && call.command) text = "ipc." + call.command->lua_name() + "(...) from Lua";
  std::string comment = comment_text(text);
  // How the command is written is its row's (or a given flag's) fact.
  CExport how = call.command ? call.command->c_export : CExport::calls;
  if (call.command && call.raw)
    for (const auto& flag : call.command->flags)
      if (flag.c_export && std::any_of(call.raw->flags.begin(), call.raw->flags.end(), [&](const auto& f) {
            const bool* on = f.second.template as<bool>();
            return f.first == flag.name && !f.second.is_nil() && !(on && !*on);
          }))
        how = *flag.c_export;  // (--agent=no, agent = false: not given)
  if (how == CExport::nothing) return;
  if (how == CExport::lua) {
    body_.push_back(fmt::format("  /* {} */", comment));
    body_.push_back("  /* Lua code has no C equivalent here: its Win32 calls were");
    for (const auto& c : calls) body_.push_back("       " + c.line());
    body_.push_back("     and are not exported. */");
    save();
    return;
  }
  body_.push_back(fmt::format("  /* {} */", comment));
  // An agent is an ipcsh child driven over ipcsh's own channel: the C can
  // start the process but not run commands in it. Said, not pretended.
  if (how == CExport::agent) {
    body_.push_back(fmt::format("  /* NOT EXPORTED COMMAND: {} - an agent runs commands over ipcsh's own channel, "
                                "which this program does not speak */", comment));
    body_.push_back(fmt::format("#pragma message(\"ipcsh record --c: `{}` (an ipcsh agent) is not exported; what "
                                "follows may differ\")", c_escape(text)));
  }
  if (calls.empty()) body_.push_back("  /* (no Win32 call) */");
  for (const auto& c : calls) {
    std::string code = statement(c);
    if (!code.empty()) body_.push_back("  " + code);
  }
  save();
}

void CExporter::save() {
  SYSTEMTIME t;
  GetLocalTime(&t);
  std::string out = fmt::format(
      "/* Exported by ipcsh {} on {:04}-{:02}-{:02} {:02}:{:02}:{:02} ({}).\n"
      "   The session's Win32 calls as one C program; each prints its result.\n"
      "   Build: x86_64-w64-mingw32-gcc -o session.exe {} */\n",
      IPCSH_VERSION, t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, how_,
      std::filesystem::path(to_wide(path_)).filename().string());
  out += preamble;
  out += "\nint main(void) {\n";
  for (const auto& d : declarations_) out += d + "\n";
  for (const auto& b : body_) out += b + "\n";
  for (const auto& d : declarations_) {  // (void)h1; - no unused-variable warning with -Wall
    auto name_end = d.find(" = ");
    auto name_start = d.rfind(' ', name_end - 1) + 1;
    out += "  (void)" + d.substr(name_start, name_end - name_start) + ";\n";
  }
  out += "  return 0;\n}\n";
  std::ofstream file(std::filesystem::path(to_wide(path_)), std::ios::binary);
  file << out;
  if (!file) throw Win32Error("CreateFileW", ERROR_PATH_NOT_FOUND, "cannot write " + path_);
}

}  // namespace ipcsh
