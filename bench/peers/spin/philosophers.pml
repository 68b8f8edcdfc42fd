/* Dining philosophers, the twin of weft's philosophers (and, with -DFIXED,
 * philosophers_fixed) models: N philosophers, a fork (a mutex) between each
 * pair; each takes the left fork then the right, or with FIXED the
 * lower-numbered fork first. A philosopher that ends is in a valid end state,
 * so SPIN reports the deadlock as an invalid end state.
 *
 *   spin -a -DN=5 philosophers.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan
 */
#ifndef N
#define N 3
#endif

bit fork[N];

inline lock(f) { atomic { fork[f] == 0 -> fork[f] = 1 } }
inline unlock(f) { fork[f] = 0 }

active [N] proctype philosopher() {
  byte left = _pid;
  byte right = (_pid + 1) % N;
  byte first;
  byte second;
#ifdef FIXED
  if
  :: left < right -> first = left; second = right
  :: else -> first = right; second = left
  fi;
#else
  first = left;
  second = right;
#endif
  lock(first);
  lock(second);
  /* eat */
  unlock(second);
  unlock(first)
}
