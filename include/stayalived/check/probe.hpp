// The checker interface: one kind per file, each a Probe that performs one
// check as a C++20 coroutine on the daemon's single io_context and returns a CheckResult.
//
// Deadlines: a probe arms a deadline (ProbeContext::arm) before each step. The runtime keeps
// every deadline of every checker in one timer queue; when one passes it emits terminal
// cancellation into the probe's coroutine, so the pending socket operation completes with
// operation_aborted and the probe reports a timeout. Probes therefore await operations with
// as_tuple(use_awaitable) and check expired() after each step. A probe never waits on
// anything without an armed deadline.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "stayalived/check/definition.hpp"
#include "stayalived/check/outcome.hpp"
#include "stayalived/check/script.hpp"
#include "stayalived/common/expected.hpp"
#include "stayalived/common/time.hpp"

namespace stayalived::check {

/// What a probe may ask of the runtime while it runs.
class ProbeContext {
 public:
  virtual ~ProbeContext() = default;
  /// The next steps must complete within `d` from now.
  virtual void arm(Duration d) = 0;
  /// True once the armed deadline has passed (the pending operation was cancelled).
  virtual bool expired() const = 0;
  /// The checker's connect_timeout: the deadline of each network step.
  virtual Duration timeout() const = 0;
  /// Runs MISC_CHECK programs.
  virtual ScriptPort& scripts() = 0;
  /// A random 32-bit value (DNS ids, UDP payloads, ICMP ids).
  virtual std::uint32_t random() = 0;
};

/// One check of one target, repeated by the runtime.
class Probe {
 public:
  virtual ~Probe() = default;
  /// Performs one check. Never throws for an expected failure: every failure is a result.
  virtual boost::asio::awaitable<CheckResult> run(ProbeContext& ctx) = 0;
  /// keepalived's name of the kind ("TCP_CHECK").
  virtual std::string_view kind() const = 0;
  /// True if this probe performs exactly the check `def` describes (kind, target and
  /// kind options; timing is compared by the runtime).
  virtual bool same(const CheckerDef& def) const = 0;
  /// Event-driven probes (FILE_CHECK) run when their input changes, not on a timer.
  virtual bool event_driven() const { return false; }
  /// The file an event-driven probe watches ("" for the others).
  virtual std::string_view tracked_path() const { return {}; }
  /// The transport its checks use, for the service keepalived names in its log lines
  /// (nullopt: the virtual server's protocol).
  virtual std::optional<Protocol> transport() const { return std::nullopt; }
  /// keepalived's line for the first success of a checker, or its coming up:
  /// "<KIND> on service <service> success." (TCP_CHECK says "TCP connection to ...").
  virtual std::string success_line(std::string_view service) const;
};

/// What probes share: the SSL_GET client context (one for the process, as in keepalived).
struct ProbeEnv {
  std::shared_ptr<void> tls;  ///< a stayalived::http::TlsContext (type-erased: no OpenSSL here)
};

/// Builds the probe for a checker definition; nullptr if the kind cannot run here.
std::unique_ptr<Probe> make_probe(const CheckerDef& def, const ProbeEnv& env = {});

/// Builds the shared environment for `tls` (creates the SSL_GET context); the error says
/// which file could not be loaded.
Result<ProbeEnv> make_probe_env(const TlsSettings& tls);

/// Runs one check outside the runtime, with its own timer for the deadlines (`timeout` is
/// the connect_timeout): for tests and one-shot tools.
boost::asio::awaitable<CheckResult> run_once(Probe& probe, ScriptPort& scripts, Duration timeout);

}  // namespace stayalived::check
