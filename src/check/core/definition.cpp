#include "stayalived/check/definition.hpp"

namespace stayalived::check {

std::string_view kind_name(const CheckKind& k) {
  struct Name {
    std::string_view operator()(const TcpCheck&) const { return "TCP_CHECK"; }
    std::string_view operator()(const HttpCheck& h) const { return h.tls ? "SSL_GET" : "HTTP_GET"; }
    std::string_view operator()(const SmtpCheck&) const { return "SMTP_CHECK"; }
    std::string_view operator()(const DnsCheck&) const { return "DNS_CHECK"; }
    std::string_view operator()(const UdpCheck&) const { return "UDP_CHECK"; }
    std::string_view operator()(const PingCheck&) const { return "PING_CHECK"; }
    std::string_view operator()(const MiscCheck&) const { return "MISC_CHECK"; }
    std::string_view operator()(const FileCheck&) const { return "FILE_CHECK"; }
  };
  return std::visit(Name{}, k);
}

std::optional<Protocol> transport_of(const CheckKind& k) {
  if (std::holds_alternative<TcpCheck>(k) || std::holds_alternative<HttpCheck>(k) || std::holds_alternative<SmtpCheck>(k))
    return Protocol::Tcp;
  if (std::holds_alternative<DnsCheck>(k) || std::holds_alternative<UdpCheck>(k)) return Protocol::Udp;
  return std::nullopt;
}

}  // namespace stayalived::check
