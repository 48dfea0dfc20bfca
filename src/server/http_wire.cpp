#include "server/http_wire.hpp"

#include <boost/beast/http/status.hpp>

#include <string_view>

#include "sls/secure.hpp"

namespace sls::server {

namespace http = boost::beast::http;

std::string serialize_reply(HttpReply reply, unsigned version, bool keep_alive, bool head_only) {
  std::string out;
  out.reserve(256 + reply.body.size());
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(reply.status);
  out += ' ';
  out += http::obsolete_reason(static_cast<http::status>(reply.status));
  out += "\r\n";
  auto field = [&out](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  };
  for (const auto& [name, value] : reply.headers) field(name, value);
  if (!reply.content_type.empty()) field("Content-Type", reply.content_type);
  if (reply.status != 304) field("Content-Length", std::to_string(reply.body.size()));
  if (version == 10 && keep_alive) field("Connection", "keep-alive");
  if (version != 10 && !keep_alive) field("Connection", "close");
  out += "\r\n";
  if (!head_only && reply.status != 304) out += reply.body;
  wipe(reply.body);
  return out;
}

}  // namespace sls::server
