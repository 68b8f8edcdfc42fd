// Memory for the objects of one execution (channels, mutexes, Shared<T>):
// taken from blocks that the thread's next execution reuses, and given back
// all at once when the execution ends. The objects' destructors are the
// caller's business (Execution runs them before reset()).
//
//   Arena a;
//   void* p = a.allocate(sizeof(T), alignof(T));
//   ... new (p) T(...), p->~T() ...
//   a.reset();  // every block is free again; none is returned to the system
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace weft::detail {

class Arena {
 public:
  static constexpr std::size_t block_size = 16 * 1024;

  void* allocate(std::size_t size, std::size_t align) {
    std::size_t at = (used_ + align - 1) & ~(align - 1);
    if (block_ < blocks_.size() && at + size <= block_size) {
      used_ = at + size;
      return blocks_[block_].get() + at;
    }
    return allocate_slow(size, align);
  }

  // Every allocation is free again.
  void reset() {
    block_ = 0;
    used_ = 0;
    large_.clear();
  }

 private:
  void* allocate_slow(std::size_t size, std::size_t align) {
    if (size + align > block_size || align > alignof(std::max_align_t)) {
      // Larger than a block (or aligned beyond what blocks are): an allocation of its own, until reset().
      large_.push_back(std::make_unique<std::byte[]>(size + align));
      auto p = reinterpret_cast<std::uintptr_t>(large_.back().get());
      return reinterpret_cast<void*>((p + align - 1) & ~(std::uintptr_t{align} - 1));
    }
    if (block_ < blocks_.size()) ++block_;  // the current block is full: the next one
    if (block_ == blocks_.size()) blocks_.push_back(std::make_unique<std::byte[]>(block_size));
    used_ = size;
    return blocks_[block_].get();
  }

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::size_t block_ = 0;  // the block being filled
  std::size_t used_ = 0;   // bytes used in it
  std::vector<std::unique_ptr<std::byte[]>> large_;
};

}  // namespace weft::detail
