#include "lua_values.hpp"

#include <new>
#include <set>

#include <lauxlib.h>
#include <lua.h>

#include "console/console.hpp"
#include "core/error.hpp"
#include "lua_internal.hpp"

namespace ipcsh {

namespace {
const char handle_meta_key = 0;  // its address is the key
}  // namespace

void register_handle_meta(lua_State* L) {
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &handle_meta_key);
  // Its address also sits in the state's extra space (copied into every
  // coroutine made later), so telling a handle needs no table lookup.
  *static_cast<const void**>(lua_getextraspace(L)) = lua_topointer(L, -1);
}

HandleRef* test_handle(lua_State* L, int index) {
  void* p = lua_touserdata(L, index);
  if (!p || lua_type(L, index) != LUA_TUSERDATA || !lua_getmetatable(L, index)) return nullptr;
  bool same = lua_topointer(L, -1) == *static_cast<const void**>(lua_getextraspace(L));
  lua_pop(L, 1);
  return same ? static_cast<HandleRef*>(p) : nullptr;
}

HandleRef* to_handle(lua_State* L, int index) {
  auto* ref = test_handle(L, index);
  if (ref && !*ref) throw UsageError("a handle object whose __gc was called holds nothing");
  return ref;
}

void push_handle(lua_State* L, const HandleRef& ref) {
  new (lua_newuserdatauv(L, sizeof(HandleRef), 0)) HandleRef(ref);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &handle_meta_key);
  lua_setmetatable(L, -2);
}

namespace {

constexpr int max_depth = 32;

// Exactly one Lua value: nil for nothing, the first of several.
void push_one(lua_State* L, const Value& v) {
  int n = push_value(L, v);
  if (n == 0) lua_pushnil(L);
  if (n > 1) lua_pop(L, n - 1);
}

// A Lua function kept in the registry, called with one string. An error in
// it is reported on stderr: it must not unwind through the Win32 layer.
Callback callback_of(lua_State* L, int index) {
  lua_pushvalue(L, index);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);  // kept for the life of the state
  std::shared_ptr<Output> output = engine_of(L).session().output;
  auto call = std::make_shared<std::function<void(const std::string&)>>([L, ref, output](const std::string& line) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_pushlstring(L, line.data(), line.size());
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
      write_err(*output, std::string("trace function: ") + (lua_tostring(L, -1) ? lua_tostring(L, -1) : "error") + "\n");
      lua_pop(L, 1);
    }
  });
  return Callback{call};
}

// Strings longer than std::string keeps in place (15 bytes) are lent to a
// call rather than copied (to_value_lent): a message to send costs no
// allocation. The binder copies what it keeps (names) or reads as text.
constexpr std::size_t lend_from = 16;

Value convert(lua_State* L, int index, int depth, std::set<const void*>& open, bool lend = false) {
  index = lua_absindex(L, index);
  switch (lua_type(L, index)) {
    case LUA_TNIL: case LUA_TNONE: return {};
    case LUA_TBOOLEAN: return static_cast<bool>(lua_toboolean(L, index));
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return static_cast<std::int64_t>(lua_tointeger(L, index));
      return std::string(lua_tostring(L, index));
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, index, &len);
      if (lend && len >= lend_from) return Borrowed{{s, len}};
      return std::string(s, len);
    }
    case LUA_TUSERDATA:
      if (auto h = to_handle(L, index)) return *h;
      break;
    case LUA_TFUNCTION: return callback_of(L, index);
    case LUA_TTABLE: {
      const void* table = lua_topointer(L, index);
      if (depth >= max_depth) throw UsageError("a table nested more than 32 deep");
      if (!open.insert(table).second) throw UsageError("a table that contains itself");
      lua_checkstack(L, 4);
      Value out;
      lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
      if (n > 0) {
        List list;
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_rawgeti(L, index, i);
          list.items.push_back(convert(L, -1, depth + 1, open));
          lua_pop(L, 1);
        }
        out = std::move(list);
      } else {
        Record record;
        lua_pushnil(L);
        while (lua_next(L, index)) {
          if (lua_type(L, -2) == LUA_TSTRING) {
            std::size_t len = 0;
            const char* key = lua_tolstring(L, -2, &len);
            record.fields.push_back({std::string(key, len), convert(L, -1, depth + 1, open)});
          }
          lua_pop(L, 1);
        }
        out = std::move(record);
      }
      open.erase(table);
      return out;
    }
    default: break;
  }
  std::size_t len = 0;
  const char* s = luaL_tolstring(L, index, &len);
  std::string text(s, len);
  lua_pop(L, 1);
  return text;
}

}  // namespace

int push_value(lua_State* L, const Value& v) {
  lua_checkstack(L, 8);
  if (v.is_nil()) return 0;
  if (auto b = v.as<bool>()) lua_pushboolean(L, *b);
  else if (auto i = v.as<std::int64_t>()) lua_pushinteger(L, *i);
  else if (auto s = v.as<std::string>()) lua_pushlstring(L, s->data(), s->size());
  else if (auto b = v.as<Bytes>()) lua_pushlstring(L, b->data.data(), b->data.size());
  else if (auto lent = v.as<Borrowed>()) lua_pushlstring(L, lent->data.data(), lent->data.size());
  else if (auto h = v.as<HandleRef>()) push_handle(L, *h);
  else if (auto r = v.as<Record>()) {
    lua_createtable(L, 0, static_cast<int>(r->fields.size()));
    for (const auto& f : r->fields) {
      if (f.value.is_nil()) continue;
      push_one(L, f.value);
      lua_setfield(L, -2, f.key.c_str());
    }
  } else if (auto t = v.as<Table>()) {
    lua_createtable(L, static_cast<int>(t->rows.size()), 0);
    for (std::size_t r = 0; r < t->rows.size(); ++r) {
      lua_createtable(L, 0, static_cast<int>(t->columns.size()));
      for (std::size_t c = 0; c < t->columns.size() && c < t->rows[r].size(); ++c) {
        if (t->rows[r][c].is_nil()) continue;
        push_one(L, t->rows[r][c]);
        lua_setfield(L, -2, t->columns[c].c_str());
      }
      for (const auto& [alias, column] : t->also) {
        lua_getfield(L, -1, column.c_str());
        lua_setfield(L, -2, alias.c_str());
      }
      lua_rawseti(L, -2, static_cast<lua_Integer>(r + 1));
    }
  } else if (auto l = v.as<List>()) {
    lua_createtable(L, static_cast<int>(l->items.size()), 0);
    for (std::size_t i = 0; i < l->items.size(); ++i) {
      push_one(L, l->items[i]);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
  } else if (auto m = v.as<Result>()) {
    std::size_t n = std::min(m->lua_count, m->values.size());
    for (std::size_t i = 0; i < n; ++i) push_one(L, m->values[i]);
    return static_cast<int>(n);
  } else {
    return 0;  // a Callback goes nowhere
  }
  return 1;
}

Value to_value(lua_State* L, int index) {
  std::set<const void*> open;
  return convert(L, index, 0, open);
}

Value to_value_lent(lua_State* L, int index) {
  std::set<const void*> open;
  return convert(L, index, 0, open, true);
}

}  // namespace ipcsh
