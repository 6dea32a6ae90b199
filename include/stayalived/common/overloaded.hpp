// overloaded{...}: a visitor from lambdas, for std::visit over the event and action variants.
#pragma once

namespace stayalived {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

}  // namespace stayalived
