// A small subset of C++23 std::expected, for the error convention of the cores and
// adapters (one error convention per layer: exceptions only at start-up and in config loading). Replace with std::expected
// once the project moves to C++23.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace stayalived {

/// Wraps an error value so that it can be returned where an Expected is expected.
template <class E>
struct Unexpected {
  // A constructor rather than an aggregate: clang 14 (the fuzz build) lacks C++20's
  // parenthesised aggregate initialization, so Unexpected(x) must name a constructor.
  constexpr explicit Unexpected(E e) : error(std::move(e)) {}
  E error;
};
template <class E>
Unexpected(E) -> Unexpected<E>;

/// Either a value of type T or an error of type E. Expected<void, E> holds no value.
template <class T, class E>
class [[nodiscard]] Expected {
 public:
  Expected()
    requires std::is_default_constructible_v<T>
      : v_(std::in_place_index<0>) {}
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit like std::expected
  template <class G>
  Expected(Unexpected<G> u) : v_(std::in_place_index<1>, E(std::move(u.error))) {}  // NOLINT

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  E& error() & { return std::get<1>(v_); }
  const E& error() const& { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] Expected<void, E> {
 public:
  Expected() = default;
  template <class G>
  Expected(Unexpected<G> u) : err_(E(std::move(u.error))), ok_(false) {}  // NOLINT

  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  E& error() & { return err_; }
  const E& error() const& { return err_; }

 private:
  E err_{};
  bool ok_ = true;
};

/// The error type most adapters use: a message meant for the log, and an errno-style code
/// (0 when there is none).
struct Error {
  std::string message;
  int code = 0;
};

template <class T = void>
using Result = Expected<T, Error>;

}  // namespace stayalived
