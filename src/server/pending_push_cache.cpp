// PendingPushCache (pending_push_cache.hpp).
#include "server/pending_push_cache.hpp"

#include <algorithm>

namespace sls::server {

std::size_t PendingPushCache::stripe(std::string_view tx_id) noexcept {
  return std::hash<std::string_view>{}(tx_id) % kStripes;
}

std::uint64_t PendingPushCache::generation(std::string_view tx_id) const {
  std::lock_guard lock(mutex_);
  return generations_[stripe(tx_id)];
}

void PendingPushCache::remember(std::string_view tx_id, std::span<const std::uint8_t> secret_hash,
                                std::int64_t expires_at, std::int64_t now_ms, std::uint64_t seen_generation) {
  std::lock_guard lock(mutex_);
  if (seen_generation != generations_[stripe(tx_id)] || max_entries_ == 0) return;
  if (secret_hash.size() > kMaxSecretHashBytes) return;
  if (entries_.size() >= max_entries_ && !entries_.contains(tx_id)) {
    drop_due(now_ms);
    if (entries_.size() >= max_entries_) return;
  }
  auto it = entries_.find(tx_id);
  if (it == entries_.end()) it = entries_.emplace(std::string(tx_id), Entry{}).first;
  Entry& e = it->second;
  std::copy(secret_hash.begin(), secret_hash.end(), e.secret_hash.begin());
  e.secret_hash_size = secret_hash.size();
  e.expires_at = expires_at;
  e.recheck_at_ms = now_ms + kRecheckMs;
}

std::optional<std::int64_t> PendingPushCache::pending_until(std::string_view tx_id, std::int64_t now_ms,
                                                            const SecretMatches& secret_matches, Use use) const {
  std::array<std::uint8_t, kMaxSecretHashBytes> secret_hash;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::size_t secret_hash_size = 0;
  std::int64_t expires_at = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(tx_id);
    if (it == entries_.end()) return std::nullopt;
    // Expiry is the store's to settle (it writes the push's end and an audit row).
    if (use == Use::answer && now_ms >= it->second.recheck_at_ms) return std::nullopt;
    if (now_ms / 1000 >= it->second.expires_at) return std::nullopt;
    secret_hash = it->second.secret_hash;
    secret_hash_size = it->second.secret_hash_size;
    expires_at = it->second.expires_at;
  }
  // A wrong secret is the store's too: it answers push.not_found and audits it.
  if (!secret_matches(std::span<const std::uint8_t>(secret_hash.data(), secret_hash_size))) return std::nullopt;
  return expires_at;
}

void PendingPushCache::forget(std::string_view tx_id) {
  std::lock_guard lock(mutex_);
  ++generations_[stripe(tx_id)];
  if (auto it = entries_.find(tx_id); it != entries_.end()) entries_.erase(it);
}

void PendingPushCache::forget_all() {
  std::lock_guard lock(mutex_);
  for (auto& g : generations_) ++g;
  entries_.clear();
}

std::size_t PendingPushCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void PendingPushCache::drop_due(std::int64_t now_ms) {
  std::erase_if(entries_, [now_ms](const auto& kv) {
    return now_ms >= kv.second.recheck_at_ms || now_ms / 1000 >= kv.second.expires_at;
  });
}

}  // namespace sls::server
