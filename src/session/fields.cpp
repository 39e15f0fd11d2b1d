#include "fields.hpp"
#include "core/shapes.hpp"

#include "handle.hpp"
#include "win32/win32_api.hpp"

namespace ipcsh {

std::optional<Value> handle_field(const HandleObject& h, std::string_view field) {
  // Lua gets the integer; the shell shows it in hex like every handle value.
  if (field == "value") return Result{std::string(shape::handle_value), {h.value()}, {ipcsh::field::value.text}, 1};
  if (field == "kind") return std::string(kind_name(h.kind));
  if (field == "name") return h.name;
  if (field == "inherit") return h.inheritable();
  if (field == "closed") return h.closed();
  if (field == "pid" && h.kind == Kind::process) return static_cast<std::int64_t>(h.pid);
  if (field == "port" && h.kind == Kind::socket && !h.closed())
    if (auto local = win::local_address(reinterpret_cast<SOCKET>(h.handle())))
      return static_cast<std::int64_t>(ntohs(local->sin_port));
  return std::nullopt;
}

std::optional<Value> field_of(const Value& v, std::string_view field) {
  if (auto r = v.as<Record>())
    if (auto f = r->get(field)) return *f;
  if (auto r = v.as<Result>()) {
    if (auto f = r->find(field)) return *f;
    // a result that is one record (security, access-check): its fields
    if (r->values.size() == 1 && r->values[0].as<Record>())
      if (auto f = r->values[0].as<Record>()->get(field)) return *f;
  }
  if (auto h = v.as<HandleRef>()) return handle_field(**h, field);
  return std::nullopt;
}

}  // namespace ipcsh
