// Fetch throughput and CPU per request of the HTTP_GET / SSL_GET core on loopback: many
// concurrent fetches, one io_context thread, against one local server running in a child
// process (so that the CPU figures are the client's alone). Prints figures; asserts nothing.
//
//   bench_http_fetch [--fetches N] [--concurrency C[,C...]] [--body BYTES] [--tls-only|--http-only]
//
// Build with the release preset for meaningful figures. Loopback only (127.0.0.1).
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "stayalived/check/http/fetch.hpp"
#include "stayalived/common/digest.hpp"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace stayalived;
using namespace std::chrono_literals;

namespace {

const std::string kData = STAYALIVED_SOURCE_DIR "/tests/data/http/";

// ---------------------------------------------------------------------------------------
// The server (child process): answers every request with the same page and closes.

template <class Stream>
asio::awaitable<void> answer(Stream& s, const std::string& page) {
  char buf[2048];
  std::string req;
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 16384) {
    auto [ec, n] = co_await s.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    req.append(buf, n);
    if (ec) co_return;
  }
  co_await asio::async_write(s, asio::buffer(page), asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> serve_one(tcp::socket sock, asio::ssl::context* tls, const std::string& page) {
  if (tls == nullptr) {
    co_await answer(sock, page);
  } else {
    asio::ssl::stream<tcp::socket> s(std::move(sock), *tls);
    auto [ec] = co_await s.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (!ec) co_await answer(s, page);
  }
}

asio::awaitable<void> accept_loop(tcp::acceptor& acc, asio::ssl::context* tls, const std::string& page) {
  for (;;) {
    auto [ec, sock] = co_await acc.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;  // EMFILE and the like: keep serving
    }
    asio::co_spawn(acc.get_executor(), serve_one(std::move(sock), tls, page), asio::detached);
  }
}

struct Server {
  pid_t pid = -1;
  std::uint16_t port = 0;
};

Server start_server(bool tls, std::size_t body_bytes) {
  int fds[2];
  if (::pipe(fds) != 0) std::exit(2);
  const pid_t pid = ::fork();
  if (pid < 0) std::exit(2);
  if (pid > 0) {
    ::close(fds[1]);
    std::uint16_t port = 0;
    if (::read(fds[0], &port, sizeof port) != sizeof port) std::exit(2);
    ::close(fds[0]);
    return {pid, port};
  }
  ::close(fds[0]);
  asio::io_context io;
  std::string body(body_bytes, 'x');
  for (std::size_t i = 0; i < body.size(); i += 64) body[i] = '\n';
  const std::string page = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body;
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  if (tls) {
    ctx.use_certificate_chain_file(kData + "server.pem");
    ctx.use_private_key_file(kData + "server.key", asio::ssl::context::pem);
  }
  tcp::acceptor acc(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  acc.listen(4096);
  const std::uint16_t port = acc.local_endpoint().port();
  if (::write(fds[1], &port, sizeof port) != sizeof port) std::_Exit(2);
  ::close(fds[1]);
  asio::co_spawn(io, accept_loop(acc, tls ? &ctx : nullptr, page), asio::detached);
  io.run();
  std::_Exit(0);
}

void stop_server(const Server& s) {
  ::kill(s.pid, SIGTERM);  // our own child, by pid
  int status = 0;
  ::waitpid(s.pid, &status, 0);
}

// ---------------------------------------------------------------------------------------
// The client.

double cpu_seconds_this_thread() {
  rusage ru{};
  ::getrusage(RUSAGE_THREAD, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct Figures {
  double wall_s = 0;
  double cpu_s = 0;
  std::size_t done = 0;
  std::map<std::string, std::size_t> outcomes;
  std::size_t peak_heap_in_flight = 0;  // bytes of heap above the idle baseline, at the peak
};

Figures run(const http::FetchSpec& spec, http::TlsContext* tls, std::size_t fetches, std::size_t concurrency) {
  asio::io_context io;
  Figures f;
  std::size_t started = 0;
  const std::size_t baseline = mallinfo2().uordblks;
  const auto worker = [&]() -> asio::awaitable<void> {
    while (started < fetches) {
      ++started;
      const http::FetchResult r = co_await http::fetch(spec, tls);
      ++f.outcomes[std::string(http::to_string(r.outcome))];
      ++f.done;
    }
  };
  // Sample the heap while the fetches are in flight.
  asio::steady_timer sampler(io);
  std::function<void()> sample = [&] {
    const std::size_t used = mallinfo2().uordblks;
    if (used > baseline && used - baseline > f.peak_heap_in_flight) f.peak_heap_in_flight = used - baseline;
    if (f.done < fetches) {
      sampler.expires_after(2ms);
      sampler.async_wait([&](boost::system::error_code) { sample(); });
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds_this_thread();
  for (std::size_t i = 0; i < concurrency; ++i) asio::co_spawn(io, worker(), asio::detached);
  sample();
  io.run();
  f.cpu_s = cpu_seconds_this_thread() - c0;
  f.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return f;
}

void report(const char* name, std::size_t concurrency, std::size_t body, const Figures& f) {
  std::string outcomes;
  for (const auto& [k, v] : f.outcomes) outcomes += k + "=" + std::to_string(v) + " ";
  std::printf("%-22s %6zu %8zu %9zu %10.0f %10.1f %12.0f   %s\n", name, concurrency, body, f.done,
              static_cast<double>(f.done) / f.wall_s, f.cpu_s * 1e6 / static_cast<double>(f.done),
              concurrency > 0 ? static_cast<double>(f.peak_heap_in_flight) / static_cast<double>(concurrency) : 0.0,
              outcomes.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t fetches = 20000;
  std::size_t body = 1024;
  std::vector<std::size_t> concurrency{1, 100, 1000};
  bool do_http = true, do_tls = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--fetches" && i + 1 < argc) fetches = std::stoul(argv[++i]);
    else if (a == "--body" && i + 1 < argc) body = std::stoul(argv[++i]);
    else if (a == "--http-only") do_tls = false;
    else if (a == "--tls-only") do_http = false;
    else if (a == "--concurrency" && i + 1 < argc) {
      concurrency.clear();
      std::string list = argv[++i];
      for (std::size_t p = 0; p <= list.size();) {
        const auto q = list.find(',', p);
        concurrency.push_back(std::stoul(list.substr(p, q - p)));
        if (q == std::string::npos) break;
        p = q + 1;
      }
    } else {
      std::fprintf(stderr, "usage: %s [--fetches N] [--concurrency C[,C...]] [--body BYTES] [--tls-only|--http-only]\n", argv[0]);
      return 2;
    }
  }
  rlimit nofile{};
  ::getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &nofile);

  std::printf("HTTP_GET/SSL_GET fetch core on loopback: one client thread, server in a child process\n");
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {  // the figures depend on what else runs
    char load[128] = {};
    if (std::fgets(load, sizeof load, f) != nullptr) std::printf("load average at start: %s", load);
    std::fclose(f);
  }
  std::printf("%-22s %6s %8s %9s %10s %10s %12s   %s\n", "case", "conc", "body_B", "fetches", "fetch/s",
              "cpu_us/f", "heap_B/f*", "outcomes");
  for (const bool tls : {false, true}) {
    if ((tls && !do_tls) || (!tls && !do_http)) continue;
    const Server server = start_server(tls, body);
    std::shared_ptr<http::TlsContext> ctx;
    if (tls) ctx = *http::TlsContext::create();
    for (const bool digest : {false, true}) {
      http::FetchSpec spec;
      spec.target.destination = {asio::ip::address_v4::loopback(), server.port};
      spec.request.path = "/bench";
      spec.tls.enabled = tls;
      spec.options.step_timeout = 5s;
      spec.options.total_timeout = 20s;
      if (digest) spec.expect.digest = Md5Digest{};  // a wrong digest: the MD5 is computed, the verdict fails
      for (const std::size_t c : concurrency) {
        const std::size_t n = tls ? std::max<std::size_t>(fetches / 10, c) : fetches;
        const std::string name = std::string(tls ? "SSL_GET" : "HTTP_GET") + (digest ? " +digest" : "");
        report(name.c_str(), c, body, run(spec, ctx.get(), n, c));
      }
    }
    stop_server(server);
  }
  std::printf("* heap_B/f: peak heap in use above the idle baseline while fetches were in flight, per\n"
              "  concurrent fetch (coroutine frame, socket, read buffer, parser, MD5, TLS state).\n");
  return 0;
}
