// Errors in how a model uses the API (objects created outside an execution,
// objects carried over from an earlier execution). Raised inside a goroutine
// they end the execution as a panic finding; outside one they reach the CLI.
#pragma once

#include <stdexcept>

namespace weft {

class MisuseError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace weft
