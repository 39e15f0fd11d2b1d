#include "lua_values.hpp"

#include <new>

#include <lauxlib.h>
#include <lua.h>

namespace ipcsh {

HandleRef* to_handle(lua_State* L, int index) {
  return static_cast<HandleRef*>(luaL_testudata(L, index, handle_meta));
}

void push_handle(lua_State* L, const HandleRef& ref) {
  new (lua_newuserdatauv(L, sizeof(HandleRef), 0)) HandleRef(ref);
  luaL_setmetatable(L, handle_meta);
}

namespace {
// Exactly one Lua value: nil for nothing, the first of several.
void push_one(lua_State* L, const Value& v) {
  int n = push_value(L, v);
  if (n == 0) lua_pushnil(L);
  if (n > 1) lua_pop(L, n - 1);
}
}  // namespace

int push_value(lua_State* L, const Value& v) {
  if (v.is_nil() || v.as<Note>()) return 0;
  if (auto b = v.as<bool>()) lua_pushboolean(L, *b);
  else if (auto i = v.as<std::int64_t>()) lua_pushinteger(L, *i);
  else if (auto s = v.as<std::string>()) lua_pushlstring(L, s->data(), s->size());
  else if (auto b = v.as<Bytes>()) lua_pushlstring(L, b->data.data(), b->data.size());
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
      lua_rawseti(L, -2, static_cast<lua_Integer>(r + 1));
    }
  } else if (auto l = v.as<List>()) {
    lua_createtable(L, static_cast<int>(l->items.size()), 0);
    for (std::size_t i = 0; i < l->items.size(); ++i) {
      push_one(L, l->items[i]);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
  } else if (auto m = v.as<Multi>()) {
    for (const auto& item : m->values) push_one(L, item);
    return static_cast<int>(m->values.size());
  }
  return 1;
}

Value to_value(lua_State* L, int index) {
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
      return std::string(s, len);
    }
    case LUA_TUSERDATA:
      if (auto h = to_handle(L, index)) return *h;
      break;
    case LUA_TTABLE: {
      lua_Integer n = luaL_len(L, index);
      if (n > 0) {
        List list;
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_rawgeti(L, index, i);
          list.items.push_back(to_value(L, -1));
          lua_pop(L, 1);
        }
        return list;
      }
      Record record;
      lua_pushnil(L);
      while (lua_next(L, index)) {
        if (lua_type(L, -2) == LUA_TSTRING) record.fields.push_back({lua_tostring(L, -2), to_value(L, -1)});
        lua_pop(L, 1);
      }
      return record;
    }
    default: break;
  }
  return std::string(luaL_tolstring(L, index, nullptr));
}

}  // namespace ipcsh
