// connection_key and ConnectionLimiter (connection_limiter.hpp).
#include "server/connection_limiter.hpp"

#include <algorithm>

namespace sls::server {

std::string connection_key(const boost::asio::ip::address& address) {
  namespace ip = boost::asio::ip;
  if (address.is_v6()) {
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, v6).to_string();
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return ip::address_v6(bytes).to_string() + "/64";
  }
  return address.to_string();
}

bool ConnectionLimiter::admit(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (open_ >= total_) return false;
  if (key.empty()) {
    ++open_;
    return true;
  }
  std::size_t& n = by_key_[key];  // per_key_ >= 1: a new entry is always admitted
  if (n >= per_key_) return false;
  ++n;
  ++open_;
  return true;
}

void ConnectionLimiter::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (key.empty()) {
    if (open_ > 0) --open_;
    return;
  }
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  if (--it->second == 0) by_key_.erase(it);
  --open_;
}

}  // namespace sls::server
