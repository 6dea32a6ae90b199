// genhash: prints the MD5 digest of a web page as HTTP_GET / SSL_GET compute it, so that the
// `digest` of a url block can be written. Same flags, messages, output and exit codes as
// keepalived 2.2.7's genhash (genhash(1), and /usr/bin/genhash as the oracle); the fetch is
// the checkers' own core (stayalived::http), so the digest is the checker's by construction.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/check/http/request.hpp"
#include "stayalived/common/expected.hpp"

namespace stayalived::tools {

/// The command line of genhash.
struct GenhashOptions {
  boost::asio::ip::address server{};                               ///< -s, --server (an IP)
  std::uint16_t port = 0;                                          ///< -p, --port
  std::string url{};                                               ///< -u, --url (the last one)
  bool ssl = false;                                                ///< -S, --use-ssl
  bool sni = false;                                                ///< -I, --use-sni (sends -V)
  std::optional<std::string> virtualhost{};                        ///< -V, --use-virtualhost
  http::HttpProtocol protocol = http::HttpProtocol::V1_0;          ///< -P, --protocol
  std::optional<unsigned long> timeout_seconds{};                  ///< -t, --timeout (none: wait forever)
  std::uint32_t fwmark = 0;                                        ///< -m, --fwmark
  bool verbose = false;                                            ///< -v, --verbose
};

/// Why the command line was refused. genhash prints `message` (if any) and then the usage
/// on stderr, and exits 1.
struct GenhashCliError {
  std::string message{};
};

/// How genhash was started: as the `genhash` program, or as `keepalived -T` / `--genhash`.
enum class GenhashInvocation : std::uint8_t { Program, DaemonFlag };

/// Parses the arguments after the program name (after -T for DaemonFlag), as keepalived's
/// getopt_long does: bundled short options, attached or separate values, --name=value,
/// unambiguous long prefixes, operands anywhere (they are refused), "--".
Expected<GenhashOptions, GenhashCliError> parse_genhash_args(const std::vector<std::string>& args,
                                                            GenhashInvocation how = GenhashInvocation::Program);

/// The usage text; `prog` is argv[0].
std::string genhash_usage(std::string_view prog, GenhashInvocation how = GenhashInvocation::Program);

/// keepalived's hex dump of a buffer (check_http.c dump_buffer): per 16 bytes, the decimal
/// offset, the bytes in hex split by " - ", and the printable characters.
std::string hex_dump(std::span<const std::uint8_t> bytes);

/// Fetches the page and prints the digest to `out` (errors to `err`), verbose dumps included.
/// Returns the exit code (0: genhash exits 0 whatever the server did).
int run_genhash(const GenhashOptions& options, std::FILE* out, std::FILE* err);

/// parse + run, printing errors and usage: the whole genhash program. Returns the exit code.
int genhash_main(std::string_view prog, const std::vector<std::string>& args,
                 GenhashInvocation how = GenhashInvocation::Program);

}  // namespace stayalived::tools
