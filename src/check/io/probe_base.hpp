// Private to src/check: the common base of the probes and the per-kind factories (one file
// per kind: tcp_check.cpp, smtp_check.cpp, ...).
#pragma once

#include <memory>
#include <variant>

#include "stayalived/check/probe.hpp"

namespace stayalived::check {

/// A probe of kind `Spec`: keeps its connection options and kind options, and compares
/// them with a definition for deduplication and reload. Its name and transport are the
/// kind's (kind_name, transport_of).
template <class Spec>
class ProbeOf : public Probe {
 public:
  explicit ProbeOf(const CheckerDef& d)
      : conn_(d.connect), spec_(std::get<Spec>(d.kind)), kind_(kind_name(d.kind)), transport_(transport_of(d.kind)) {}
  std::string_view kind() const override { return kind_; }
  std::optional<Protocol> transport() const override { return transport_; }
  bool same(const CheckerDef& d) const override {
    const Spec* s = std::get_if<Spec>(&d.kind);
    return s != nullptr && *s == spec_ && d.connect == conn_;
  }

 protected:
  ConnectOptions conn_;
  Spec spec_;

 private:
  std::string_view kind_;
  std::optional<Protocol> transport_;
};

std::unique_ptr<Probe> make_tcp_probe(const CheckerDef& d);
std::unique_ptr<Probe> make_smtp_probe(const CheckerDef& d);
std::unique_ptr<Probe> make_dns_probe(const CheckerDef& d);
std::unique_ptr<Probe> make_udp_probe(const CheckerDef& d);
std::unique_ptr<Probe> make_ping_probe(const CheckerDef& d);
std::unique_ptr<Probe> make_misc_probe(const CheckerDef& d);
std::unique_ptr<Probe> make_file_probe(const CheckerDef& d);
/// HTTP_GET / SSL_GET over the stayalived::http fetch core (`tls`: its TlsContext).
std::unique_ptr<Probe> make_http_probe(const CheckerDef& d, std::shared_ptr<void> tls);

}  // namespace stayalived::check
