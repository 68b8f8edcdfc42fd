#include "weft/select.h"

#include <vector>

namespace weft {
namespace detail {

void block_forever(OpKind op, std::source_location loc) {
  Execution& x = exec_for("blocking operation");
  if (!x.point(op, nullptr, loc)) return;
  x.begin_park(op, nullptr, loc);
  x.me().forever = true;
  x.emit({.g = x.my_id(), .op = op, .flags = Event::blocked, .loc = loc});
  x.park();
  // Only an unwinding execution resumes a goroutine parked forever.
  throw Unwind{};
}

void run_select(SelectCase* const* cases, std::size_t n, std::source_location loc) {
  Execution& x = exec_for("select");
  if (n == 0) {
    block_forever(OpKind::select, loc);
    return;
  }
  if (!x.point(OpKind::select, nullptr, loc)) return;
  std::vector<std::size_t> ready;
  SelectCase* dflt = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    if (cases[i]->is_default()) {
      dflt = cases[i];
    } else if (cases[i]->ready()) {
      ready.push_back(i);
    }
  }
  if (!ready.empty()) {
    const std::size_t k = ready.size() > 1 ? x.choose(ready.size(), ChoiceKind::select_case) : 0;
    SelectCase* c = cases[ready[k]];
    c->fire(x, c->loc());
    c->run_body();
    return;
  }
  if (dflt != nullptr) {
    x.emit({.g = x.my_id(), .op = OpKind::select, .flags = Event::not_ok, .loc = loc},
           x.recording() ? "default" : "");
    dflt->run_body();
    return;
  }
  Goroutine& g = x.me();
  const std::uint64_t ticket = x.begin_park(OpKind::select, nullptr, loc);
  for (std::size_t i = 0; i < n; ++i) cases[i]->enqueue(g, ticket, static_cast<int>(i));
  x.emit({.g = g.id, .op = OpKind::select, .flags = Event::blocked, .loc = loc});
  x.park();
  if (g.xfer_case < 0 || static_cast<std::size_t>(g.xfer_case) >= n) throw Unwind{};
  SelectCase* c = cases[g.xfer_case];
  c->after_wake(g);
  c->run_body();
}

}  // namespace detail

void select_forever(std::source_location loc) {
  detail::block_forever(OpKind::select, loc);
}

}  // namespace weft
