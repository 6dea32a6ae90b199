// Private to src/check: one HTTP exchange without TLS, for HTTP_GET, over the SocketWatcher
// and the probe's own deadlines rather than an Asio socket and timer (SSL_GET and genhash
// use http::fetch). The verdict is the same as http::fetch's for the same request: the same
// read rules (http::next_read_size, http::end_after_read), reader and judge.
//
// System calls of a check that goes well: socket, connect, epoll_ctl, send, recv, close
// (http::fetch through Asio makes about twice as many). Reads wait for an edge rather than
// trying first: a read that comes back short has emptied the socket, so the next one waits.
//
// A server that sends faster than we read never makes a read wait: after 16 reads in a row
// the exchange yields to the loop, so that a flood holds nothing else up.
//
// Deadlines: each step (the connect, each write, each wait for bytes) must end within
// connect_timeout (ProbeContext::arm), as in keepalived; the exchange as a whole within
// options.total_timeout, checked before each step (so a server that trickles its body
// costs at most total_timeout + connect_timeout).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>

#include "stayalived/check/definition.hpp"
#include "stayalived/check/http/fetch.hpp"
#include "stayalived/check/probe.hpp"

namespace stayalived::check {

boost::asio::awaitable<http::FetchResult> plain_http_exchange(ProbeContext& ctx, const ConnectOptions& conn,
                                                              std::string request, const http::Expectation& expect,
                                                              http::FetchOptions options);

}  // namespace stayalived::check
