#include "stayalived/notify/alert.hpp"

#include <fmt/format.h>

#include "stayalived/common/text.hpp"

namespace stayalived::notify {

AlertMail vrrp_instance_alert(std::string_view router_id, std::string_view instance, VrrpEvent state) {
  return {fmt::format("[{}] VRRP Instance {} - Entering {} state", router_id, instance, event_word(state)),
          state == VrrpEvent::Master ? "=> VRRP Instance is now owning VRRP VIPs <="
                                     : "=> VRRP Instance is no longer owning VRRP VIPs <="};
}

AlertMail vrrp_group_alert(std::string_view router_id, std::string_view group, VrrpEvent state) {
  return {fmt::format("[{}] VRRP Group {} - Entering {} state", router_id, group, event_word(state)),
          fmt::format("=> All VRRP group instances are now in {} state <=", event_word(state))};
}

AlertMail real_server_alert(std::string_view router_id, std::string_view rs, std::string_view vs,
                           bool up, std::string_view message) {
  return {fmt::format("[{}] Realserver {} of virtual server {} - {}", router_id, rs, vs, up ? "UP" : "DOWN"),
          fmt::format("=> {} <=", message)};
}

std::string checker_messages::generic_down(std::string_view reason) {
  return fmt::format("CHECK failed on service : {}", reason);
}

AlertMail virtual_server_alert(std::string_view router_id, std::string_view vs, QuorumChange change,
                               unsigned quorum, unsigned hysteresis, long weight) {
  const bool up = change != QuorumChange::Lost;
  const long threshold = up ? static_cast<long>(quorum) + static_cast<long>(hysteresis)
                            : static_cast<long>(quorum) - static_cast<long>(hysteresis);
  const char* what = change == QuorumChange::StartingUp ? "Starting with quorum up"
                     : change == QuorumChange::Gained   ? "Gained quorum"
                                                        : "Lost quorum";
  return {fmt::format("[{}] Virtualserver {} - {}", router_id, vs, up ? "UP" : "DOWN"),
          fmt::format("=> {} {}+{}={} <= {} <=", what, quorum, hysteresis, threshold, weight)};
}

std::string rfc5322_date(const std::tm& tm, long utc_offset_seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const long off = utc_offset_seconds < 0 ? -utc_offset_seconds : utc_offset_seconds;
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} {}{:02}{:02}",
                     kDays[(tm.tm_wday % 7 + 7) % 7], tm.tm_mday, kMonths[(tm.tm_mon % 12 + 12) % 12],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     utc_offset_seconds < 0 ? '-' : '+', off / 3600, (off % 3600) / 60);
}

std::string rfc5322_date(std::time_t t) {
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return rfc5322_date(tm, tm.tm_gmtoff);
}

std::string smtp_data(std::string_view from, const std::vector<std::string>& to,
                      const AlertMail& mail, std::string_view date) {
  std::string out;
  out.reserve(256 + mail.body.size());
  out += "Date: " + one_line(date) + "\r\n";
  out += "From: " + one_line(from) + "\r\n";
  out += "Subject: " + one_line(mail.subject) + "\r\n";
  out += "X-Mailer: Keepalived\r\n";
  std::string rcpts;
  for (const auto& r : to) {
    if (!rcpts.empty()) rcpts += ", ";
    rcpts += r;
  }
  out += "To: " + one_line(rcpts) + "\r\n\r\n";
  // Body: any line end becomes CRLF; a line starting with '.' gets one more (RFC 5321
  // 4.5.2).
  std::string_view body = mail.body;
  std::size_t i = 0;
  while (i <= body.size()) {
    std::size_t j = body.find_first_of("\r\n", i);
    if (j == std::string_view::npos) j = body.size();
    const std::string_view line = body.substr(i, j - i);
    if (!line.empty() && line.front() == '.') out.push_back('.');
    out.append(line);
    out += "\r\n";
    if (j >= body.size()) break;
    i = j + ((body[j] == '\r' && j + 1 < body.size() && body[j + 1] == '\n') ? 2 : 1);
    if (i == body.size()) break;  // the body ended with a line end
  }
  out += "\r\n.\r\n";
  return out;
}

std::optional<SmtpReplyLine> parse_smtp_reply_line(std::string_view line) {
  if (line.size() < 3) return std::nullopt;
  int code = 0;
  for (int i = 0; i < 3; ++i) {
    const char c = line[static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return std::nullopt;
    code = code * 10 + (c - '0');
  }
  if (code < 200 || code > 599) return std::nullopt;
  if (line.size() == 3) return SmtpReplyLine{code, false};
  if (line[3] == '-') return SmtpReplyLine{code, true};
  if (line[3] == ' ') return SmtpReplyLine{code, false};
  return std::nullopt;
}

}  // namespace stayalived::notify
