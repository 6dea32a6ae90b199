// HTTP_GET / SSL_GET: thin wrapper over the HTTP/TLS core of stayalived::http (checkhttp
// module). Until that core is linked, these kinds cannot run: the factory returns nullptr
// and the runtime logs the checker as skipped.
#include "probe_base.hpp"

namespace stayalived::check {

std::unique_ptr<Probe> make_http_probe(const CheckerDef&) { return nullptr; }

}  // namespace stayalived::check
