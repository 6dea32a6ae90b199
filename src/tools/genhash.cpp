#include "stayalived/tools/genhash.hpp"

#include <arpa/inet.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "stayalived/check/http/fetch.hpp"
#include "stayalived/common/digest.hpp"

namespace stayalived::tools {

namespace asio = boost::asio;

namespace {

// keepalived's section titles in verbose mode.
constexpr std::string_view kHeaderHex = "-----------------------[    HTTP Header Buffer    ]-----------------------\n";
constexpr std::string_view kHeaderAscii = "-----------------------[ HTTP Header Ascii Buffer ]-----------------------\n";
constexpr std::string_view kHtmlHex = "-----------------------[        HTML Buffer        ]-----------------------\n";
constexpr std::string_view kHash = "-----------------------[    HTML hash resulting    ]-----------------------\n";
constexpr std::string_view kHashFinal = "-----------------------[ HTML hash final resulting ]-----------------------\n";

// -------------------------------------------------------------------------------------------
// Command line.

enum class Arg : std::uint8_t { None, Required };

struct Spec {
  char short_name;
  std::string_view long_name;
  Arg arg;
};

// getopt_long's table as keepalived 2.2.7 answers it: -T and -H are known to getopt but
// refused ("Unknown option -T"), so they are simply absent here.
constexpr std::array<Spec, 11> kSpecs{{
    {'h', "help", Arg::None},
    {'v', "verbose", Arg::None},
    {'S', "use-ssl", Arg::None},
    {'I', "use-sni", Arg::None},
    {'s', "server", Arg::Required},
    {'V', "use-virtualhost", Arg::Required},
    {'p', "port", Arg::Required},
    {'u', "url", Arg::Required},
    {'m', "fwmark", Arg::Required},
    {'P', "protocol", Arg::Required},
    {'t', "timeout", Arg::Required},
}};

const Spec* find_short(char c) {
  for (const auto& s : kSpecs)
    if (s.short_name == c) return &s;
  return nullptr;
}

// Exact name, else a unique prefix (getopt_long); ambiguous or unknown: nullptr.
const Spec* find_long(std::string_view name) {
  const Spec* found = nullptr;
  for (const auto& s : kSpecs) {
    if (s.long_name == name) return &s;
    if (s.long_name.starts_with(name)) {
      if (found != nullptr) return nullptr;
      found = &s;
    }
  }
  return found;
}

// C's strtol/strtoul rules as keepalived uses them: leading white space, an optional sign,
// decimal digits, nothing after. nullopt if nothing was converted or something is left.
std::optional<long> c_strtol(const std::string& s) {
  errno = 0;
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return v;
}
std::optional<unsigned long> c_strtoul(const char* s) {
  char* end = nullptr;
  const unsigned long v = std::strtoul(s, &end, 10);
  if (*end != '\0') return std::nullopt;
  return v;
}

struct Parsed {
  bool server = false, port = false, url = false, help = false;
};

// Applies one option; an error message on failure.
std::optional<std::string> apply(char opt, const std::string& value, GenhashOptions& o, Parsed& seen) {
  switch (opt) {
    case 'h': seen.help = true; return std::nullopt;
    case 'v': o.verbose = true; return std::nullopt;
    case 'S': o.ssl = true; return std::nullopt;
    case 'I': o.sni = true; return std::nullopt;
    case 's': {
      // inet_pton: dotted quad or IPv6 text, nothing else (no names, no "127.1").
      std::array<unsigned char, 16> buf{};
      boost::system::error_code ec;
      if (::inet_pton(AF_INET, value.c_str(), buf.data()) == 1 || ::inet_pton(AF_INET6, value.c_str(), buf.data()) == 1)
        o.server = asio::ip::make_address(value, ec);
      else
        ec = asio::error::invalid_argument;
      if (ec) return "server should be an IP, not " + value;
      seen.server = true;
      return std::nullopt;
    }
    case 'V': o.virtualhost = value; return std::nullopt;
    case 'p': {
      const auto v = c_strtol(value);
      if (!v || *v <= 0 || *v > 65535) return "invalid port number '" + value + "'";
      o.port = static_cast<std::uint16_t>(*v);
      seen.port = true;
      return std::nullopt;
    }
    case 'u': o.url = value; seen.url = true; return std::nullopt;
    case 'm': {
      const char* start = value.c_str() + std::strspn(value.c_str(), " \t");
      const auto v = c_strtoul(start);
      if (!v || start[0] == '-') return "invalid fwmark '" + value + "'";
      o.fwmark = static_cast<std::uint32_t>(*v);
      return std::nullopt;
    }
    case 'P': {
      const auto p = http::parse_http_protocol(value);
      if (!p) return "invalid HTTP protocol version '" + value + "'";
      o.protocol = *p;
      return std::nullopt;
    }
    case 't': {
      const char* start = value.c_str() + std::strspn(value.c_str(), " \t");
      const auto v = c_strtoul(start);
      if (!v || start[0] == '-' || start[0] == '\0') return "invalid timeout '" + value + "'";
      o.timeout_seconds = *v;
      return std::nullopt;
    }
    default: return std::string("Unknown option -") + opt;
  }
}

}  // namespace

Expected<GenhashOptions, GenhashCliError> parse_genhash_args(const std::vector<std::string>& args,
                                                            GenhashInvocation how) {
  // keepalived: "if (argc <= 2) usage" (argc counts argv[0], and -T when started with it).
  const std::size_t needed = how == GenhashInvocation::Program ? 2 : 1;
  if (args.size() < needed) return Unexpected{GenhashCliError{}};

  GenhashOptions o;
  Parsed seen;
  std::vector<std::string> operands;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      operands.insert(operands.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      operands.push_back(a);
      continue;
    }
    if (a.starts_with("--")) {
      const auto eq = a.find('=');
      const Spec* s = find_long(std::string_view(a).substr(2, eq == std::string::npos ? std::string::npos : eq - 2));
      if (s == nullptr || (s->arg == Arg::None && eq != std::string::npos))
        return Unexpected{GenhashCliError{"Unknown option " + a}};
      std::string value;
      if (s->arg == Arg::Required) {
        if (eq != std::string::npos)
          value = a.substr(eq + 1);
        else if (i + 1 < args.size())
          value = args[++i];
        else
          return Unexpected{GenhashCliError{"Missing parameter for option --"}};  // sic
      }
      if (auto err = apply(s->short_name, value, o, seen)) return Unexpected{GenhashCliError{*err}};
      continue;
    }
    for (std::size_t j = 1; j < a.size(); ++j) {
      const Spec* s = find_short(a[j]);
      if (s == nullptr) return Unexpected{GenhashCliError{std::string("Unknown option -") + a[j]}};
      if (s->arg == Arg::None) {
        if (auto err = apply(s->short_name, {}, o, seen)) return Unexpected{GenhashCliError{*err}};
        continue;
      }
      std::string value;
      if (j + 1 < a.size())
        value = a.substr(j + 1);
      else if (i + 1 < args.size())
        value = args[++i];
      else
        return Unexpected{GenhashCliError{std::string("Missing parameter for option -") + a[j]}};
      if (auto err = apply(s->short_name, value, o, seen)) return Unexpected{GenhashCliError{*err}};
      break;
    }
  }
  if (seen.help) return Unexpected{GenhashCliError{}};
  if (!operands.empty()) {
    std::string msg = "Unexpected argument(s):";
    for (const auto& op : operands) msg += " " + op;
    return Unexpected{GenhashCliError{msg}};
  }
  if (!seen.server || !seen.port || !seen.url) return Unexpected{GenhashCliError{}};
  return o;
}

std::string genhash_usage(std::string_view prog, GenhashInvocation how) {
  std::string u = "Usage: " + std::string(prog) +
                  (how == GenhashInvocation::DaemonFlag ? " --genhash" : "") + " COMMAND [OPTIONS]\n";
  u +=
      "Commands:\n"
      "   -s server-address -p port -u url\n"
      "   -S -s server-address -p port -u url\n"
      "   -h\n"
      "\n"
      "Options:\n"
      "Either long or short options are allowed.\n"
      "   --use-ssl         -S       Use SSL connection to remote server.\n"
      "   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).\n"
      "   --server          -s       Use the specified remote server address.\n"
      "   --port            -p       Use the specified remote server port.\n"
      "   --url             -u       Use the specified remote server url.\n"
      "   --use-virtualhost -V       Use the specified virtualhost in GET query.\n"
      "   --verbose         -v       Use verbose mode output.\n"
      "   --help            -h       Display this short inlined help screen.\n"
      "   --fwmark          -m       Use the specified FW mark.\n"
      "   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.\n"
      "                                1.0c means 1.0 with 'Connection: close'\n"
      "   --timeout         -t       Timeout in seconds\n";
  return u;
}

std::string hex_dump(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve((bytes.size() / 16 + 1) * 76);
  for (std::size_t off = 0; off < bytes.size(); off += 16) {
    const std::size_t n = std::min<std::size_t>(16, bytes.size() - off);
    const std::string offset = std::to_string(off);
    if (offset.size() < 4) out.append(4 - offset.size(), '0');
    out += offset;
    out += "  ";
    for (std::size_t j = 0; j < 16; ++j) {
      if (j < n) {
        out += kHex[bytes[off + j] >> 4];
        out += kHex[bytes[off + j] & 0xf];
        out += ' ';
      } else {
        out += "   ";
      }
      if (j == 7) out += "- ";
    }
    out += "  ";
    for (std::size_t j = 0; j < 16; ++j) {
      if (j < n) {
        const std::uint8_t c = bytes[off + j];
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
      } else {
        out += ' ';
      }
    }
    out += '\n';
  }
  return out;
}

namespace {

void put(std::FILE* f, std::string_view s) { std::fwrite(s.data(), 1, s.size(), f); }

// The verbose dump of each read, in keepalived's order: while the head is incomplete each
// read prints the header title; the read that completes it dumps the head (hex, then text)
// and, if it carried body bytes, the HTML title and those; later reads dump their body bytes.
class VerboseDump final : public http::FetchObserver {
 public:
  explicit VerboseDump(std::FILE* out) : out_(out) {}

  void on_read(std::span<const std::uint8_t>, const http::ResponseParser& parser,
               const http::ResponseParser::Step& step) override {
    const bool head_before = parser.head_complete() && !step.head_completed;
    if (head_before) {
      put(out_, hex_dump(step.body));
      return;
    }
    put(out_, kHeaderHex);
    if (!step.head_completed) return;
    const std::string_view head = parser.head_bytes();
    put(out_, hex_dump({reinterpret_cast<const std::uint8_t*>(head.data()), head.size()}));
    put(out_, kHeaderAscii);
    put(out_, head.substr(0, head.find('\0')));  // printed with %s: stops at a NUL
    put(out_, "\n");
    if (!step.body.empty()) {
      put(out_, kHtmlHex);
      put(out_, hex_dump(step.body));
    }
  }

 private:
  std::FILE* out_;
};

}  // namespace

int run_genhash(const GenhashOptions& o, std::FILE* out, std::FILE* err) {
  asio::io_context io;
  http::FetchSpec spec;
  spec.target.destination = {o.server, o.port};
  spec.target.fwmark = o.fwmark;
  spec.request = {.path = o.url, .virtualhost = o.virtualhost, .protocol = o.protocol};
  spec.tls.enabled = o.ssl;
  if (o.sni && o.virtualhost) spec.tls.sni = *o.virtualhost;
  // keepalived's genhash waits forever unless -t is given, and -t bounds each step.
  spec.options.step_timeout = o.timeout_seconds
                                  ? (*o.timeout_seconds > 1'000'000'000ul
                                         ? Duration::max()
                                         : std::chrono::duration_cast<Duration>(std::chrono::seconds(*o.timeout_seconds)))
                                  : Duration::max();
  spec.options.total_timeout = Duration::max();
  spec.options.read_until_close = true;  // keepalived reads to the close
  spec.options.always_digest = true;

  std::shared_ptr<http::TlsContext> tls;
  if (o.ssl) {
    auto ctx = http::TlsContext::create();
    if (!ctx) {
      put(err, "Cannot initialize SSL context.\n");
      return 1;
    }
    tls = *ctx;
  }
  VerboseDump dump(out);
  http::FetchResult result;
  std::exception_ptr failure;
  asio::co_spawn(io, http::fetch(spec, tls.get(), o.verbose ? &dump : nullptr),
                 [&](std::exception_ptr e, http::FetchResult r) {
                   failure = e;
                   result = std::move(r);
                 });
  io.run();
  if (failure) std::rethrow_exception(failure);

  if (result.end == http::StreamEnd::NotReached) {
    put(out, http::keepalived_reason(result.outcome, o.ssl));
    put(out, "\n");
  } else {
    const Md5Digest digest = result.response.digest.value_or(Md5Digest{});
    // The hash section follows a clean end only: a TCP close, a TLS close_notify, or a head
    // too large for the buffer (keepalived then reads 0 bytes, which it takes for the close).
    if (o.verbose && result.end != http::StreamEnd::ClosedUnclean) {
      put(out, "\n");
      put(out, kHash);
      put(out, hex_dump(digest));
      put(out, kHashFinal);
    }
    if (!result.response.head_complete) {
      put(err, "no data received from remote webserver\n");
    } else {
      put(out, to_hex(digest));
      put(out, "\n");
    }
  }
  if (o.verbose) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(result.elapsed).count();
    put(out, "\nGlobal response time for [" + o.url + "] = " + std::to_string(us) + " usecs\n");
  }
  std::fflush(out);
  std::fflush(err);
  return 0;
}

int genhash_main(std::string_view prog, const std::vector<std::string>& args, GenhashInvocation how) {
  auto parsed = parse_genhash_args(args, how);
  if (!parsed) {
    if (!parsed.error().message.empty()) std::fprintf(stderr, "%s\n", parsed.error().message.c_str());
    put(stderr, genhash_usage(prog, how));
    return 1;
  }
  return run_genhash(*parsed, stdout, stderr);
}

}  // namespace stayalived::tools
