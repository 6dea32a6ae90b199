// SMTP alert contents, as keepalived 2.2.7 sends them (observed with a sink on 127.0.0.1, the
// checker side in a VM with ip_vs). Pure: no I/O, no Asio.
//
// One mail per alert; the DATA keepalived sends is, byte for byte (CRLF line ends):
//   Date: Sun, 22 Nov 2026 16:50:15 +0000
//   From: keepalived@obs.example
//   Subject: [obs1] VRRP Instance VI_1 - Entering MASTER state
//   X-Mailer: Keepalived
//   To: alice@example.com, bob@example.org
//
//   => VRRP Instance is now owning VRRP VIPs <=
//
//   .
// Subjects start with "[router_id]" (router_id defaults to the host name).
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/notify/events.hpp"

namespace stayalived::notify {

/// An alert: the Subject header and the body text (complete, e.g.
/// "=> VRRP Instance is now owning VRRP VIPs <="; may hold several lines).
struct AlertMail {
  std::string subject;
  std::string body;
  friend bool operator==(const AlertMail&, const AlertMail&) = default;
};

/// A VRRP instance transition (smtp_alert in vrrp_instance):
/// "[R] VRRP Instance VI_1 - Entering MASTER state" / "=> VRRP Instance is now owning VRRP
/// VIPs <=" (any other state: "... is no longer owning VRRP VIPs <=").
AlertMail vrrp_instance_alert(std::string_view router_id, std::string_view instance, VrrpEvent state);

/// A sync group transition: "[R] VRRP Group G1 - Entering BACKUP state" /
/// "=> All VRRP group instances are now in BACKUP state <=".
AlertMail vrrp_group_alert(std::string_view router_id, std::string_view group, VrrpEvent state);

/// A real server going up or down (smtp_alert in real_server):
/// "[R] Realserver [127.0.0.1]:tcp:8081 of virtual server [10.0.0.100]:tcp:80 - DOWN" with
/// body "=> MESSAGE <=". `rs` and `vs` as built by lvs_service() / lvs_fwmark() /
/// lvs_group(); `message` is the checker's text, see checker_messages below.
AlertMail real_server_alert(std::string_view router_id, std::string_view rs, std::string_view vs,
                           bool up, std::string_view message);

/// The checker texts keepalived puts in real server alerts.
namespace checker_messages {
inline constexpr std::string_view kTcpUp = "TCP CHECK succeed on service";
inline constexpr std::string_view kTcpDown = "TCP CHECK failed on service";
inline constexpr std::string_view kUdpUp = "UDP CHECK succeed on service";
inline constexpr std::string_view kUdpDown = "UDP CHECK failed on service";
inline constexpr std::string_view kPingUp = "ICMP CHECK succeed on service";
inline constexpr std::string_view kPingDown = "ICMP CHECK failed on service";
inline constexpr std::string_view kMiscUp = "MISC CHECK succeeded on service";
inline constexpr std::string_view kMiscDown = "MISC CHECK failed on service";
/// HTTP_GET, SSL_GET and SMTP_CHECK going up.
inline constexpr std::string_view kGenericUp = "CHECK succeed on service";
/// HTTP_GET, SSL_GET and SMTP_CHECK going down: "CHECK failed on service : " + reason,
/// e.g. "HTTP request failed", "Could not connect to server [127.0.0.1]:2526".
std::string generic_down(std::string_view reason);
}  // namespace checker_messages

/// How a virtual server's quorum changed.
enum class QuorumChange {
  StartingUp,  ///< at start-up, with quorum
  Gained,
  Lost,
};

/// A virtual server going up or down (smtp_alert in virtual_server):
/// "[R] Virtualserver [10.0.0.1]:tcp:80 - UP" with keepalived's body
/// "=> Gained quorum 2+1=3 <= 4 <=", "=> Starting with quorum up 2+1=3 <= 8 <=" or, for a
/// loss, "=> Lost quorum 2+1=1 <= 0 <=" (keepalived prints quorum-hysteresis after a '+').
/// `weight` is the total weight of the live real servers.
AlertMail virtual_server_alert(std::string_view router_id, std::string_view vs, QuorumChange change,
                               unsigned quorum, unsigned hysteresis, long weight);

/// The Date header value, RFC 5322 in the C locale: "Sun, 22 Nov 2026 16:50:15 +0000".
/// `tm` is local time and `utc_offset_seconds` its offset (tm_gmtoff).
std::string rfc5322_date(const std::tm& tm, long utc_offset_seconds);

/// rfc5322_date() of `t` in the local time zone.
std::string rfc5322_date(std::time_t t);

/// The DATA payload for one alert, as keepalived lays it out (see the file comment), ending
/// with the terminating "\r\n.\r\n". Lines starting with '.' are dot-stuffed (RFC 5321
/// 4.5.2); CR and LF inside header values are replaced by spaces.
std::string smtp_data(std::string_view from, const std::vector<std::string>& to,
                      const AlertMail& mail, std::string_view date);

/// One SMTP reply line (RFC 5321 4.2): "250-first", "250 last", "250". Returns the code and whether more
/// lines follow, or nothing if the line is not a reply line.
struct SmtpReplyLine {
  int code = 0;
  bool more = false;
};
std::optional<SmtpReplyLine> parse_smtp_reply_line(std::string_view line);

}  // namespace stayalived::notify
