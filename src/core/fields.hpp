// Every named value of a result by name: a handler names what it returns
// with these (result(shape::sent, {n}, {field::bytes})), the renderer reads
// them back the same way (r.get(field::bytes)), and a misspelt one does not
// compile. A user's $VAR.NAME reaches them by text (Result::find).
#pragma once
#include <string_view>

namespace ipcsh {

// A field's name; made only from the constants below.
struct FieldName {
  std::string_view text;
  explicit constexpr FieldName(std::string_view t) : text(t) {}
};

namespace field {

inline constexpr FieldName agent{"agent"};
inline constexpr FieldName all{"all"};
inline constexpr FieldName as{"as"};
inline constexpr FieldName assert_{"assert"};
inline constexpr FieldName bytes{"bytes"};
inline constexpr FieldName code{"code"};
inline constexpr FieldName command{"command"};
inline constexpr FieldName commands{"commands"};
inline constexpr FieldName data{"data"};
inline constexpr FieldName due{"due"};
inline constexpr FieldName family{"family"};
inline constexpr FieldName file{"file"};
inline constexpr FieldName format{"format"};
inline constexpr FieldName handle{"handle"};
inline constexpr FieldName handles{"handles"};
inline constexpr FieldName index{"index"};
inline constexpr FieldName key{"key"};
inline constexpr FieldName line{"line"};
inline constexpr FieldName message_size{"message_size"};
inline constexpr FieldName message{"message"};
inline constexpr FieldName more{"more"};
inline constexpr FieldName msg{"msg"};
inline constexpr FieldName name{"name"};
inline constexpr FieldName offset{"offset"};
inline constexpr FieldName on{"on"};
inline constexpr FieldName over_limit{"over_limit"};
inline constexpr FieldName pending{"pending"};
inline constexpr FieldName period{"period"};
inline constexpr FieldName pid{"pid"};
inline constexpr FieldName previous{"previous"};
inline constexpr FieldName raw{"raw"};
inline constexpr FieldName read{"read"};
inline constexpr FieldName read_mode{"read_mode"};
inline constexpr FieldName released{"released"};
inline constexpr FieldName remote{"remote"};
inline constexpr FieldName result{"result"};
inline constexpr FieldName sddl{"sddl"};
inline constexpr FieldName state{"state"};
inline constexpr FieldName status{"status"};
inline constexpr FieldName text{"text"};
inline constexpr FieldName timeout{"timeout"};
inline constexpr FieldName value{"value"};
inline constexpr FieldName var{"var"};
inline constexpr FieldName view{"view"};
inline constexpr FieldName wait_mode{"wait_mode"};
inline constexpr FieldName word{"word"};
inline constexpr FieldName write{"write"};

}  // namespace field
}  // namespace ipcsh
