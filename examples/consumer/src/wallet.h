// A wallet two goroutines deposit into: once with a read-modify-write that
// loses updates, once under a mutex.
#pragma once

namespace wallet {

void unsafe_deposits();  // two goroutines add 10 each without a lock
void safe_deposits();    // the same under a mutex; the balance ends at 20

}  // namespace wallet
