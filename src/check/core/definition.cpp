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

std::vector<std::string> split_command(std::string_view text) {
  std::vector<std::string> argv;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
      cur.push_back(text[++i]);
      in_word = true;
      continue;
    }
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else
        cur.push_back(c);
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
      continue;
    }
    if (c == ' ' || c == '\t') {
      if (in_word) argv.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    cur.push_back(c);
    in_word = true;
  }
  if (in_word) argv.push_back(std::move(cur));
  return argv;
}

}  // namespace stayalived::check
