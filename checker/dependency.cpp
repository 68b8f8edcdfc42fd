#include "weft/dependency.h"

#include <algorithm>

namespace weft::check {

namespace {

bool is_channel_op(OpKind op) {
  return op == OpKind::chan_send || op == OpKind::chan_recv || op == OpKind::chan_close ||
         op == OpKind::select;
}

bool is_cond_op(OpKind op) {
  return op == OpKind::cond_wait || op == OpKind::cond_relock || op == OpKind::cond_signal ||
         op == OpKind::cond_broadcast;
}

void push(StepAccesses& out, Access a) {
  if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
}

// The part of the table shared by events and pending operations.
void add_op(OpKind op, ObjectId obj, bool failed, const std::function<ObjectId(ObjectId)>& lock_of_cond,
            StepAccesses& out) {
  switch (op) {
    case OpKind::load:
    case OpKind::atomic_load:
      push(out, {obj, Access::read, false});
      return;
    case OpKind::atomic_cas:
      // A failed compare-exchange only reads.
      push(out, {obj, failed ? Access::read : Access::write, false});
      return;
    case OpKind::store:
    case OpKind::atomic_store:
    case OpKind::atomic_rmw:
      push(out, {obj, Access::write, false});
      return;
    case OpKind::spawn:
      push(out, {goroutine_table, Access::write, false});
      return;
    default:
      break;
  }
  if (is_channel_op(op)) {
    // A nil channel (no object) blocks forever and touches nothing shared;
    // a select without an object may touch every channel.
    if (obj != no_object) {
      push(out, {obj, Access::write, true});
    } else if (op == OpKind::select) {
      push(out, {any_channel, Access::write, true});
    }
    return;
  }
  if (obj == no_object) return;
  push(out, {obj, Access::write, false});
  if (is_cond_op(op) && (op == OpKind::cond_wait || op == OpKind::cond_relock)) {
    // Wait releases the Cond's lock; relock takes it again.
    const ObjectId lock = lock_of_cond(obj);
    if (lock != no_object) push(out, {lock, Access::write, false});
  }
}

}  // namespace

void add_accesses(const Event& e, const std::function<ObjectId(ObjectId)>& lock_of_cond, StepAccesses& out) {
  add_op(e.op, e.obj, e.op == OpKind::atomic_cas && e.is(Event::not_ok), lock_of_cond, out);
  // A case that fired inside a select was a select until it chose: the choice
  // depended on every channel it looked at.
  if (e.is(Event::via_select)) push(out, {any_channel, Access::write, true});
}

void add_pending_accesses(OpKind op, ObjectId obj, const std::function<ObjectId(ObjectId)>& lock_of_cond,
                          StepAccesses& out) {
  add_op(op, obj, false, lock_of_cond, out);
}

}  // namespace weft::check
