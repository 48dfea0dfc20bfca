// libFuzzer target: arbitrary bytes as an HTTP request through exactly what
// slsd runs on a request head before any handler: the bounded Beast parser
// with the default limits, then path splitting and decoding, route matching,
// Accept-Language, header reads, the content-type check and static path
// resolution. It must never crash, hang or read out of bounds, and the
// parser must hold to its limits.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/accept_language.hpp"
#include "server/http_request.hpp"
#include "server/http_static.hpp"

namespace {

using namespace sls::server;

const HttpConfig& fuzz_config() {
  static const HttpConfig config = [] {
    HttpConfig c;
    c.demo = true;
    c.demo_users_json = "{}";
    // A directory that does not exist: resolution runs its checks, then finds nothing.
    c.static_dir = "/nonexistent-sls-fuzz-root";
    return c;
  }();
  return config;
}

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const HttpConfig& config = fuzz_config();
  static const Router router(api_routes(config));
  const RequestLimits limits = RequestLimits::from(config);

  RequestParser parser(limits);
  parser.eager(true);
  boost::beast::error_code ec;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Fed in two reads, as the network could split it. Like Beast's own read
  // loop, bytes the parser has not used stay in front of the next read's.
  std::string pending;
  const std::size_t split = size / 3;
  for (std::string_view read : {input.substr(0, split), input.substr(split)}) {
    pending.append(read);
    while (!pending.empty() && !parser.is_done()) {
      const std::size_t used = parser.put(boost::asio::buffer(pending.data(), pending.size()), ec);
      pending.erase(0, used);
      if (ec == boost::beast::http::error::need_more) ec = {};
      if (ec || used == 0) break;
    }
    if (ec || parser.is_done()) break;
  }
  check(parser.body().size() <= limits.max_body_bytes);
  if (!parser.is_header_done()) return 0;

  std::size_t fields = 0;
  for (auto it = parser.fields().begin(); it != parser.fields().end(); ++it) ++fields;
  check(fields <= limits.max_header_fields);

  const RequestView request(parser, "127.0.0.1");
  const std::string_view path = target_path(request.target());
  const RouteMatch match = router.match(request.method(), path);
  if (match.route != nullptr) {
    std::size_t holes = 0;
    for (std::size_t at = match.route->pattern.find("{}"); at != std::string_view::npos;
         at = match.route->pattern.find("{}", at + 2))
      ++holes;
    check(match.params.size() == holes);
    for (const auto& p : match.params) check(!p.empty());
  }
  (void)lang_from_accept_language(request.header("Accept-Language"));
  (void)is_json_content_type(request.header("Content-Type"));
  (void)request.header("X-SLS-Device-Signature");
  (void)request.header("X-SLS-Device-Time");
  (void)request.header("X-SLS-Login-Secret");
  (void)resolve_static(config.static_dir, path);
  return 0;
}
