// Whether this test build runs under a sanitizer. Executions run about ten
// times slower under AddressSanitizer (the ASan+UBSan build of scripts/test)
// and slower still under ThreadSanitizer (scripts/tsan: every goroutine's
// fiber gets a fresh TSan state), so tests that explore large searches take
// smaller sizes there; each says where it uses these which size and why.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool under_asan = true;
#else
inline constexpr bool under_asan = false;
#endif

#if defined(__SANITIZE_THREAD__)
inline constexpr bool under_tsan = true;
#else
inline constexpr bool under_tsan = false;
#endif

inline constexpr bool under_sanitizer = under_asan || under_tsan;
