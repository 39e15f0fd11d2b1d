#include "agent_wire.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <mutex>
#include <set>
#include <stdexcept>

#include "core/error.hpp"
#include "session/executor.hpp"
#include "session/format.hpp"
#include "session/handle.hpp"
#include "win32/win32_api.hpp"

namespace ipcsh {
namespace {

// A result's names decoded from a child, kept for as long as the program
// runs (Result names are views): a few words, the same ones again.
std::string_view intern_name(std::string name) {
  static std::mutex lock;
  static std::set<std::string, std::less<>> names;
  std::lock_guard<std::mutex> held(lock);
  return *names.insert(std::move(name)).first;
}

constexpr int most_depth = 64;

enum Tag : char { tag_nil, tag_false, tag_true, tag_integer, tag_string, tag_bytes, tag_handle, tag_record, tag_table, tag_result, tag_list };

// A named pipe end opened for overlapped I/O, read by one thread while
// another writes: each operation through the Win32 layer's one I/O routine
// (win::io; an event per direction), with no time limit - the channel ends
// when the peer goes or close() cancels what is pending.
class PipeStream : public Stream {
 public:
  explicit PipeStream(HANDLE pipe)
      : pipe_(pipe), read_event_(CreateEventW(nullptr, TRUE, FALSE, nullptr)),
        write_event_(CreateEventW(nullptr, TRUE, FALSE, nullptr)) {}
  ~PipeStream() override { close(); }
  bool read_some(char* data, std::size_t n, std::size_t& got) override {
    DWORD done = 0;
    if (!one(win::Io::read, data, static_cast<DWORD>(std::min<std::size_t>(n, 1u << 20)), done) || done == 0)
      return false;
    got = done;
    return true;
  }
  bool write_all(std::string_view data) override {
    while (!data.empty()) {
      DWORD done = 0;
      if (!one(win::Io::write, const_cast<char*>(data.data()),
               static_cast<DWORD>(std::min<std::size_t>(data.size(), 1u << 20)), done))
        return false;
      data.remove_prefix(done);
    }
    return true;
  }
  bool accept(DWORD pid, const std::function<void(DWORD)>& refused) override {
    win::OwnScope own;
    for (;;) {
      DWORD done = 0;
      if (!one(win::Io::connect, nullptr, 0, done)) return false;
      if (pid == 0) return true;
      Use use(*this);
      if (!use.pipe) return false;
      // Fail closed: a client whose pid cannot be read is not the child.
      auto ids = win::named_pipe_end_ids(use.pipe);
      if (ids.client_pid && *ids.client_pid == pid) return true;
      win::disconnect_named_pipe(use.pipe);
      if (refused) refused(ids.client_pid.value_or(0));
    }
  }
  void drain(DWORD ms) override {
    Use use(*this);
    if (!use.pipe) return;
    win::IoRequest request{.op = win::Io::flush, .h = use.pipe, .overlapped = true};
    request.timeout = ms;
    DWORD error = 0;
    win::OwnScope own;
    win::io(request, error, {});  // FlushFileBuffers: until the parent has read it (or the time is up)
  }
  // Ends the channel from any thread: what is pending is cancelled, and the
  // handle is closed by the last operation still using it (never under
  // one: its value could be given to the user's next object).
  void close() override {
    std::lock_guard lock(close_lock_);
    win::OwnScope own;
    if (closing_) return;
    closing_ = true;
    if (pipe_) win::cancel_io(pipe_);
    if (using_ == 0) close_handle_locked();
  }

 private:
  void close_handle_locked() {
    if (!pipe_) return;
    try {
      win::close_handle(pipe_);
    } catch (const Win32Error&) {  // (closing never fails on a handle we hold)
    }
    pipe_ = nullptr;
  }
  // The pipe, held open for one operation: nullptr once closing. The
  // last use to end after close() closes the handle.
  struct Use {
    PipeStream& stream;
    HANDLE pipe = nullptr;
    explicit Use(PipeStream& s) : stream(s) {
      std::lock_guard lock(stream.close_lock_);
      if (stream.closing_ || !stream.pipe_) return;
      pipe = stream.pipe_;
      ++stream.using_;
    }
    ~Use() {
      if (!pipe) return;
      std::lock_guard lock(stream.close_lock_);
      if (--stream.using_ == 0 && stream.closing_) {
        win::OwnScope own;
        stream.close_handle_locked();
      }
    }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
  };
  // One ReadFile, WriteFile or ConnectNamedPipe, waited for. A read of part
  // of a message (ERROR_MORE_DATA) and a client already there
  // (ERROR_PIPE_CONNECTED) are successes; anything after close(), not.
  bool one(win::Io op, char* data, DWORD n, DWORD& done) {
    Use use(*this);
    if (!use.pipe) return false;
    win::IoRequest request{.op = op, .h = use.pipe, .overlapped = true};
    request.event = op == win::Io::write ? write_event_.get() : read_event_.get();
    if (op == win::Io::write) {
      request.out = data;
      request.out_size = n;
    } else {
      request.buffer = data;
      request.size = n;
    }
    DWORD error = 0;
    {
      win::OwnScope own;
      done = win::io(request, error, {});
    }
    {
      std::lock_guard lock(close_lock_);
      if (closing_) return false;
    }
    return error == 0 || error == ERROR_MORE_DATA || (op == win::Io::connect && error == ERROR_PIPE_CONNECTED);
  }
  std::mutex close_lock_;
  HANDLE pipe_;
  bool closing_ = false;
  int using_ = 0;  // operations under way on pipe_ (a reader and a writer at most)
  UniqueHandle read_event_, write_event_;  // one per direction: a reader and a writer thread at once
};

class SocketStream : public Stream {
 public:
  explicit SocketStream(SOCKET s) : socket_(s) {}
  ~SocketStream() override { close(); }
  bool read_some(char* data, std::size_t n, std::size_t& got) override {
    int r = recv(socket_, data, static_cast<int>(std::min<std::size_t>(n, 1u << 20)), 0);
    if (r <= 0) return false;
    got = static_cast<std::size_t>(r);
    return true;
  }
  bool write_all(std::string_view data) override {
    while (!data.empty()) {
      int sent = ::send(socket_, data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1u << 20)), 0);
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }
  void close() override {
    SOCKET s = socket_;
    socket_ = INVALID_SOCKET;
    if (s != INVALID_SOCKET) {
      shutdown(s, SD_BOTH);
      closesocket(s);
    }
  }
 private:
  SOCKET socket_;
};

}  // namespace

bool Stream::read_exact(char* data, std::size_t n) {
  while (n > 0) {
    std::size_t got = 0;
    if (!read_some(data, n, got)) return false;
    data += got;
    n -= got;
  }
  return true;
}

bool Stream::send(std::string_view frame) {
  std::string out(4, '\0');
  auto n = static_cast<std::uint32_t>(frame.size());
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  out += frame;
  std::lock_guard lock(send_lock_);
  return write_all(out);
}

std::optional<std::string> Stream::receive(std::uint32_t most) {
  unsigned char length[4];
  if (!read_exact(reinterpret_cast<char*>(length), 4)) return std::nullopt;
  std::uint32_t n = length[0] | length[1] << 8 | length[2] << 16 | static_cast<std::uint32_t>(length[3]) << 24;
  if (n == 0 || n > most) {  // not our peer: end the channel
    std::lock_guard lock(fault_lock_);
    fault_ = n == 0 ? std::string("a frame of length 0")
                    : fmt::format("a frame declared {} bytes long (at most {})", n, most);
    return std::nullopt;
  }
  // Memory as the bytes come: a peer that declares 64 MB and sends none
  // costs one chunk, not 64 MB.
  constexpr std::size_t chunk = 1u << 20;
  std::string frame;
  while (frame.size() < n) {
    std::size_t had = frame.size(), more = std::min<std::size_t>(chunk, n - had);
    frame.resize(had + more);
    if (!read_exact(frame.data() + had, more)) return std::nullopt;
  }
  return frame;
}

std::string Stream::fault() const {
  std::lock_guard lock(fault_lock_);
  return fault_;
}

std::string random_hex(std::size_t bytes) {
  // RtlGenRandom (advapi32's SystemFunction036), found at run time: linking
  // bcrypt would load GnuTLS into every ipcsh process under Wine.
  std::string raw(bytes, '\0');
  using Fn = BOOLEAN(WINAPI*)(void*, ULONG);
  static auto generate = [] {
    HMODULE advapi = LoadLibraryW(L"advapi32.dll");
    return advapi ? reinterpret_cast<Fn>(reinterpret_cast<void*>(GetProcAddress(advapi, "SystemFunction036"))) : nullptr;
  }();
  if (!generate || !generate(raw.data(), static_cast<ULONG>(bytes))) throw std::runtime_error("RtlGenRandom failed");
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::unique_ptr<Stream> pipe_stream(HANDLE pipe) { return std::make_unique<PipeStream>(pipe); }
std::unique_ptr<Stream> socket_stream(SOCKET socket) { return std::make_unique<SocketStream>(socket); }

WireWriter& WireWriter::u32(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
  return *this;
}
WireWriter& WireWriter::i64(std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) out_ += static_cast<char>((u >> (8 * i)) & 0xFF);
  return *this;
}
WireWriter& WireWriter::str(std::string_view s) {
  u32(static_cast<std::uint32_t>(s.size()));
  out_ += s;
  return *this;
}

WireWriter& WireWriter::value(const Value& v) {
  auto tag = [&](Tag t) -> WireWriter& {
    out_ += static_cast<char>(t);
    return *this;
  };
  if (auto b = v.as<bool>()) return tag(*b ? tag_true : tag_false);
  if (auto i = v.as<std::int64_t>()) return tag(tag_integer).i64(*i);
  if (auto s = v.as<std::string>()) return tag(tag_string).str(*s);
  if (auto b = v.as<Bytes>()) return tag(tag_bytes).str(b->data);
  if (auto h = v.as<HandleRef>()) {
    const HandleObject& o = **h;
    // with the line this process, which holds it, describes it by
    return tag(tag_handle).i64(o.value()).str(kind_name(o.kind)).str(o.name).str(o.role).u32(GetCurrentProcessId())
        .str(handle_line(o));
  }
  if (auto r = v.as<Record>()) {
    tag(tag_record).u32(static_cast<std::uint32_t>(r->fields.size()));
    for (const auto& f : r->fields) str(f.key).u32(static_cast<std::uint32_t>(f.show)).value(f.value);
    return *this;
  }
  if (auto t = v.as<Table>()) {
    tag(tag_table).u32(static_cast<std::uint32_t>(t->columns.size()));
    for (const auto& c : t->columns) str(c);
    u32(static_cast<std::uint32_t>(t->hex_columns.size()));
    for (const auto& c : t->hex_columns) str(c);
    u32(t->wide).u32(static_cast<std::uint32_t>(t->rows.size()));
    for (const auto& row : t->rows) {
      u32(static_cast<std::uint32_t>(row.size()));
      for (const auto& cell : row) value(cell);
    }
    str(t->note).u32(static_cast<std::uint32_t>(t->also.size()));
    for (const auto& [alias, column] : t->also) str(alias).str(column);
    return *this;
  }
  if (auto m = v.as<Result>()) {
    tag(tag_result).str(m->shape).i64(m->lua_count == Result::all ? -1 : static_cast<std::int64_t>(m->lua_count));
    u32(static_cast<std::uint32_t>(m->names.size()));
    for (const auto& n : m->names) str(n);
    u32(static_cast<std::uint32_t>(m->values.size()));
    for (const auto& x : m->values) value(x);
    return *this;
  }
  if (auto l = v.as<List>()) {
    tag(tag_list).u32(static_cast<std::uint32_t>(l->items.size()));
    for (const auto& x : l->items) value(x);
    return *this;
  }
  return tag(tag_nil);  // nil, and a Lua function, which cannot travel
}

WireReader::WireReader(std::string_view frame) : in_(frame) {
  if (in_.empty()) throw ProtocolError("an empty frame");
  type_ = static_cast<Frame>(in_[0]);
  in_.remove_prefix(1);
}

std::uint32_t WireReader::u32() {
  if (in_.size() < 4) throw ProtocolError("a frame too short for its fields");
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
  in_.remove_prefix(4);
  return v;
}

std::int64_t WireReader::i64() {
  if (in_.size() < 8) throw ProtocolError("a frame too short for its fields");
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
  in_.remove_prefix(8);
  return static_cast<std::int64_t>(v);
}

std::string WireReader::str() {
  std::uint32_t n = u32();
  if (in_.size() < n) throw ProtocolError("a frame too short for its fields");
  std::string s(in_.substr(0, n));
  in_.remove_prefix(n);
  return s;
}

Value WireReader::value(std::uint32_t pid, int depth) {
  if (depth > most_depth) throw ProtocolError(fmt::format("values nested more than {} deep", most_depth));
  if (in_.empty()) throw ProtocolError("a value missing at the end of a frame");
  auto t = static_cast<Tag>(in_[0]);
  in_.remove_prefix(1);
  auto count = [&] {
    std::uint32_t n = u32();
    if (n > in_.size()) throw ProtocolError(fmt::format("a count of {} with {} bytes left", n, in_.size()));
    return n;
  };
  switch (t) {
    case tag_nil: return {};
    case tag_false: return false;
    case tag_true: return true;
    case tag_integer: return i64();
    case tag_string: return str();
    case tag_bytes: return Bytes{str()};
    case tag_handle: {
      std::int64_t v = i64();
      std::string kind = str(), name = str(), role = str();
      std::uint32_t holder = u32();
      std::string line = str();
      return remote_handle(v, std::move(kind), std::move(name), std::move(role), holder, std::move(line));
    }
    case tag_record: {
      Record r;
      for (std::uint32_t i = 0, n = count(); i < n; ++i) {
        std::string key = str();
        auto show = static_cast<Show>(u32());
        if (show > Show::message) show = Show::plain;
        r.fields.push_back({std::move(key), value(pid, depth + 1), show});
      }
      return r;
    }
    case tag_table: {
      Table tb;
      for (std::uint32_t i = 0, n = count(); i < n; ++i) tb.columns.push_back(str());
      for (std::uint32_t i = 0, n = count(); i < n; ++i) tb.hex_columns.push_back(str());
      tb.wide = u32() != 0;
      for (std::uint32_t i = 0, n = count(); i < n; ++i) {
        std::vector<Value> row;
        for (std::uint32_t j = 0, m = count(); j < m; ++j) row.push_back(value(pid, depth + 1));
        tb.rows.push_back(std::move(row));
      }
      tb.note = str();
      for (std::uint32_t i = 0, n = count(); i < n; ++i) {
        std::string alias = str();
        tb.also.emplace_back(std::move(alias), str());
      }
      auto is_column = [&](const std::string& c) {
        return std::find(tb.columns.begin(), tb.columns.end(), c) != tb.columns.end();
      };
      for (const auto& row : tb.rows)
        if (row.size() != tb.columns.size())
          throw ProtocolError(fmt::format("a table row of {} cells under {} columns", row.size(), tb.columns.size()));
      for (const auto& c : tb.hex_columns)
        if (!is_column(c)) throw ProtocolError(fmt::format("a hex column '{}' that is no column", one_line(c, 40)));
      for (const auto& [alias, column] : tb.also)
        if (!is_column(column))
          throw ProtocolError(fmt::format("an alias for a column '{}' that is no column", one_line(column, 40)));
      return tb;
    }
    case tag_result: {
      Result m;
      m.shape = str();
      std::int64_t lua_count = i64();
      m.lua_count = lua_count < 0 ? Result::all : static_cast<std::size_t>(lua_count);
      for (std::uint32_t i = 0, n = count(); i < n; ++i) m.names.push_back(intern_name(str()));
      for (std::uint32_t i = 0, n = count(); i < n; ++i) m.values.push_back(value(pid, depth + 1));
      if (!m.names.empty() && m.names.size() != m.values.size())  // (no names: values by position)
        throw ProtocolError(fmt::format("a '{}' result of {} names and {} values", one_line(m.shape, 40),
                                        m.names.size(), m.values.size()));
      if (m.lua_count != Result::all && m.lua_count > m.values.size())
        throw ProtocolError(fmt::format("a '{}' result that gives Lua {} of its {} values", one_line(m.shape, 40),
                                        m.lua_count, m.values.size()));
      return m;
    }
    case tag_list: {
      List l;
      for (std::uint32_t i = 0, n = count(); i < n; ++i) l.items.push_back(value(pid, depth + 1));
      return l;
    }
  }
  throw ProtocolError(fmt::format("an unknown value tag {}", static_cast<int>(static_cast<unsigned char>(t))));
}

Value remote_handle(std::int64_t value, std::string kind, std::string name, std::string role, std::uint32_t pid,
                    std::string line) {
  Record r;
  r.fields = {{"kind", std::move(kind)},
              {"value", value, Show::hex},
              {"name", name.empty() ? Value() : Value(std::move(name))},
              {"role", role.empty() ? Value() : Value(std::move(role))},
              {"pid", static_cast<std::int64_t>(pid)},
              {"remote", true, Show::lua_only},
              {"line", line.empty() ? Value() : Value(std::move(line)), Show::lua_only}};
  return r;
}

void write_failure(WireWriter& w, const std::exception& error) {
  if (auto e = dynamic_cast<const Win32Error*>(&error)) {
    w.u32(1).i64(static_cast<std::int64_t>(e->code())).str(e->name()).str(e->api()).str(e->message()).str(e->note());
  } else if (auto u = dynamic_cast<const UsageError*>(&error)) {
    w.u32(0).i64(0).str("usage").str(u->command()).str(u->what()).str("");
  } else if (dynamic_cast<const RemoteError*>(&error)) {
    auto r = dynamic_cast<const RemoteError*>(&error);
    w.u32(r->code() ? 1 : 0).i64(r->code().value_or(0)).str(r->name()).str(r->api()).str(r->message()).str(r->note());
  } else {
    w.u32(0).i64(0).str(dynamic_cast<const Interrupted*>(&error) ? "interrupted" : "failed").str("").str(error.what()).str("");
  }
  w.str(error_text(error));
}

RemoteFailure read_failure(WireReader& r) {
  RemoteFailure f;
  bool has_code = r.u32() != 0;
  std::int64_t code = r.i64();
  if (has_code) f.code = code;
  f.name = r.str();
  f.api = r.str();
  f.message = r.str();
  f.note = r.str();
  f.line = r.str();
  return f;
}

}  // namespace ipcsh
