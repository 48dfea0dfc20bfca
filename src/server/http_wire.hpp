// A reply as the bytes slsd writes: the HTTP/1.x status line, header fields
// and body (not installed; http_api.cpp writes them).
#pragma once

#include <string>

#include "server/http_dispatch.hpp"

namespace sls::server {

/// A reply as the bytes on the wire: status line, header fields, body, in
/// one buffer written with one call (in a profile of polls, Beast's
/// serializer took about 5% of slsd's time). Content-Length is the body's, also for HEAD (whose body
/// is not sent); a 304 has none. Connection says what HTTP/1.0 and 1.1
/// would not assume: keep-alive for 1.0, close for 1.1.
/// The reply's body is wiped once copied.
std::string serialize_reply(HttpReply reply, unsigned version, bool keep_alive, bool head_only);

}  // namespace sls::server
