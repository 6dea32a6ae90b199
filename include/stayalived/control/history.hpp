// The history the control socket serves: a bounded ring of the event stream's events, each
// with its wall-clock time, as JSON; and the followers that receive new ones live
// (stayalivedctl history --follow). Pure apart from reading the clock it is given.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "stayalived/common/event_stream.hpp"

namespace stayalived::control {

/// An event as JSON: {"type":"vrrp_transition","instance":"VI_1","from":"BACKUP",...}.
boost::json::object to_json(const events::Event& e);

/// One line of words for an event, as `stayalivedctl history` prints it.
std::string describe_event(const boost::json::object& event);

class History {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  using Follower = std::function<void(const boost::json::object&)>;

  explicit History(std::size_t capacity = 1000, Clock clock = [] { return std::chrono::system_clock::now(); })
      : capacity_(capacity == 0 ? 1 : capacity), clock_(std::move(clock)) {}

  /// Subscribes to `bus`: every event is recorded (and handed to the followers).
  void attach(events::Bus& bus);
  /// Records an event (also what attach() does).
  void record(const events::Event& e);
  /// Records a daemon note that is not on the stream (a control verb, say).
  void record(boost::json::object entry);

  /// The last `limit` entries (0: all kept), oldest first.
  boost::json::array recent(std::size_t limit = 0) const;
  std::size_t size() const { return ring_.size(); }
  /// Entries recorded since start, including those the ring has dropped.
  std::uint64_t recorded() const { return seq_; }

  /// Adds a follower; returns a handle for unfollow().
  std::uint64_t follow(Follower f);
  void unfollow(std::uint64_t handle) { followers_.erase(handle); }
  std::size_t followers() const { return followers_.size(); }

 private:
  std::size_t capacity_;
  Clock clock_;
  std::deque<boost::json::object> ring_;
  std::uint64_t seq_ = 0;
  std::uint64_t next_follower_ = 1;
  std::map<std::uint64_t, Follower> followers_;
};

}  // namespace stayalived::control
