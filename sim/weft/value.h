// How values appear in events: integers are kept as numbers (cheap, used by
// the detectors and the JSON), everything else is formatted only when the
// execution records a trace.
#pragma once

#include <concepts>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>

namespace weft::detail {

template <class T>
concept IntegralValue = std::is_integral_v<T> || std::is_enum_v<T>;

template <class T>
bool to_int(const T& v, std::int64_t& out) {
  if constexpr (IntegralValue<T>) {
    out = static_cast<std::int64_t>(v);
    return true;
  } else {
    (void)v;
    (void)out;
    return false;
  }
}

template <class T>
concept Streamable = requires(std::ostream& os, const T& v) {
  os << v;
};

template <class T>
std::string format_value(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (IntegralValue<T>) {
    return std::to_string(static_cast<std::int64_t>(v));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    std::string out = "\"";
    out += std::string_view(v);
    out += '"';
    return out;
  } else if constexpr (Streamable<T>) {
    std::ostringstream os;
    os << v;
    return os.str();
  } else {
    return "<value>";
  }
}

}  // namespace weft::detail
