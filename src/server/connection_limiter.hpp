// The caps on what clients hold at a time: open connections, and held
// status requests, per client address and in all (http_api.cpp).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sls::server {

/// What a connection counts against in the per-address cap: the IPv4
/// address, or the /64 of an IPv6 one (one subscriber's usual allocation).
std::string connection_key(const boost::asio::ip::address& address);

/// Open connections per key and in all, against the two caps.
class ConnectionLimiter {
 public:
  ConnectionLimiter(std::size_t per_key, std::size_t total) : per_key_(per_key), total_(total) {}

  /// Counts a new connection of `key`; false (nothing counted) over a cap.
  /// The empty key counts against the cap in all only: a trusted proxy's
  /// connections carry many clients (docs/proxies.md).
  bool admit(const std::string& key);
  /// Uncounts a connection admit() counted.
  void release(const std::string& key);

 private:
  const std::size_t per_key_;
  const std::size_t total_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> by_key_;
  std::size_t open_ = 0;
};

}  // namespace sls::server
