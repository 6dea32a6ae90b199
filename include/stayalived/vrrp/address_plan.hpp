// Which addresses a reload adds and removes, across all the instances that hold theirs (the
// Masters). Each Master changes its VIPs by difference, but an address may change hands
// between two Masters of the same host in one reload (moved from VI_1 to VI_2): done one
// instance at a time, the order decides whether it ends up installed (remove, then add) or
// gone (add - already there -, then remove). Planned across instances, such an address is
// neither removed nor added: it stays installed, and no gratuitous ARP is sent for it since
// it did not move between hosts.
#pragma once

#include <cstddef>
#include <vector>

namespace stayalived::vrrp {

/// One Master's addresses before and after the reload.
template <class T>
struct AddressSides {
  std::vector<T> before;
  std::vector<T> after;
};

/// An address change for the instance at `owner` (index into the sides given to the plan).
template <class T>
struct AddressChange {
  std::size_t owner = 0;
  T item;
};

template <class T>
struct AddressPlan {
  std::vector<AddressChange<T>> remove;  ///< run first
  std::vector<AddressChange<T>> add;     ///< then these (gratuitous ARP for each)
};

/// `same(a, b)`: a and b are the same address in the kernel's eyes (interface, address);
/// `equal(a, b)`: the same configuration entry (all options), as each instance's own
/// difference is taken (an option changed within one instance: removed and added again).
/// An address that changes hands keeps the options it was installed with.
template <class T, class Same, class Equal>
AddressPlan<T> plan_addresses(const std::vector<AddressSides<T>>& masters, Same same, Equal equal) {
  auto listed = [](const std::vector<T>& list, const T& x, auto eq) {
    for (const auto& y : list)
      if (eq(x, y)) return true;
    return false;
  };
  // Whether another Master lists x before (or after) the reload.
  auto other_lists = [&](std::size_t self, const T& x, bool after) {
    for (std::size_t j = 0; j < masters.size(); ++j)
      if (j != self && listed(after ? masters[j].after : masters[j].before, x, same)) return true;
    return false;
  };
  AddressPlan<T> plan;
  for (std::size_t i = 0; i < masters.size(); ++i) {
    const auto& m = masters[i];
    for (const auto& x : m.before)
      if (!listed(m.after, x, equal) && !other_lists(i, x, true)) plan.remove.push_back({i, x});
    for (const auto& x : m.after)
      if (!listed(m.before, x, equal) && !other_lists(i, x, false)) plan.add.push_back({i, x});
  }
  return plan;
}

}  // namespace stayalived::vrrp
