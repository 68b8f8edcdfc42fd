// select with a fallback: a request races a cancellation. Whichever is ready
// first wins, and weft explores both orders. The buffered reply channel lets
// the worker finish even when nobody waits for its answer any more; make it
// unbuffered and weft reports the worker as a leaked goroutine.
#include "weft/weft.h"

WEFT_MODEL(request_or_cancel, "a request races a cancellation; the late worker must not leak",
           weft::Expect::ok(), {"reply_buffer", 1, "capacity of the reply channel (0 leaks)", 0, 1}) {
  weft::Chan<int> reply{"reply", static_cast<std::size_t>(weft::param("reply_buffer"))};
  weft::Chan<int> cancel{"cancel"};
  weft::go([=] { reply.send(42); });
  weft::go([=] { cancel.close(); });
  int got = -1;
  weft::select(weft::recv_case(reply, [&](int v) { got = v; }), weft::recv_case(cancel, [&] { got = 0; }));
  weft::expect(got == 42 || got == 0, "either the answer or the cancellation");
}
