// A long-polled request held open on a raw socket (not installed): the
// tests see whether an answer has come, not only what it says.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>

#include "loopback_socket.hpp"
#include "server/service.hpp"
#include "sls/json.hpp"

namespace sls::server::testing {

/// A raw HTTP/1.1 connection from a chosen 127/8 source address.
class HeldRequest {
 public:
  HeldRequest(int port, const std::string& target, const std::string& secret, const std::string& source = "127.0.0.1",
              const std::string& extra_headers = {}) {
    fd_ = connect_from(source, port);
    if (fd_ < 0) {
      ADD_FAILURE() << "connect from " << source;
      return;
    }
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(kLoginSecretHeader) +
                                ": " + secret + "\r\n" + extra_headers + "\r\n";
    EXPECT_EQ(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  }
  ~HeldRequest() { close(); }
  HeldRequest(const HeldRequest&) = delete;
  HeldRequest& operator=(const HeldRequest&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  /// Reads for up to `timeout`; true once a whole response (head and
  /// Content-Length bytes) has arrived.
  bool answered_within(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!complete()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0 || fd_ < 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) return complete();
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) continue;
        return false;
      }
      raw_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }

  int status() const { return raw_.size() >= 12 ? std::stoi(raw_.substr(9, 3)) : 0; }
  JsonValue body() const {
    auto parsed = json_parse(raw_.substr(raw_.find("\r\n\r\n") + 4));
    return parsed ? std::move(*parsed) : JsonValue::object();
  }
  std::string field(std::string_view key) const {
    const JsonValue parsed = body();  // the view below points into it: keep it alive
    auto v = parsed.get_string(key);
    return v ? std::string(*v) : std::string();
  }
  const std::string& raw() const { return raw_; }

 private:
  bool complete() const {
    const auto blank = raw_.find("\r\n\r\n");
    if (blank == std::string::npos) return false;
    const auto cl = raw_.find("Content-Length: ");
    if (cl == std::string::npos || cl > blank) return true;
    return raw_.size() >= blank + 4 + std::stoul(raw_.substr(cl + 16));
  }

  int fd_ = -1;
  std::string raw_;
};

}  // namespace sls::server::testing
