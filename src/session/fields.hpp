// The fields of a value: $NAME.FIELD in the shell and value.field in Lua
// read this one list.
#pragma once
#include <optional>
#include <string_view>

#include "core/value.hpp"

namespace ipcsh {

class HandleObject;

// A handle object's own fields: value, kind, name, inherit (read live),
// closed, pid (processes).
std::optional<Value> handle_field(const HandleObject& h, std::string_view field);
// A record's field, a result's named part ($p.read), or a handle's field.
std::optional<Value> field_of(const Value& v, std::string_view field);

}  // namespace ipcsh
