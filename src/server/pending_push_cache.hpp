// Pushes known to be still pending, kept in memory so that a page polling a
// push that has not changed is answered without the store and without a
// worker thread. "Still pending" grants nothing and tells nothing new, so
// the one risk is a stale entry; none survives a change this process makes:
// every committed change of a push drops its entry (AuthService::announce),
// and an answer read before a change announced meanwhile is never kept (the
// generation of the push's stripe: per stripe, not global, so that the
// changes of other pushes, which never stop on a busy server, do not keep
// every answer out). A change made elsewhere (slsctl, another node) is seen
// within kRecheckMs, or at once where that node's announcements reach this
// one (on PostgreSQL, StoreListener: AuthService::changed_elsewhere).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sls::server {

class PendingPushCache {
 public:
  /// How long an entry answers before the store is asked again.
  static constexpr std::int64_t kRecheckMs = 5000;
  /// Most entries kept; past it, new ones are kept only once old ones are due.
  static constexpr std::size_t kDefaultMaxEntries = 100000;

  using SecretMatches = std::function<bool(std::span<const std::uint8_t> secret_hash)>;
  /// What an entry is asked for: an answer sent to the client (the recheck
  /// time applies), or whether a held request may park without reading the
  /// store (it may past the recheck time: a held request sends nothing from
  /// memory; it answers from the store when woken, at the push's expiry or
  /// at its bound, and a change made elsewhere never woke it anyway).
  enum class Use { answer, park };

  explicit PendingPushCache(std::size_t max_entries = kDefaultMaxEntries) : max_entries_(max_entries) {}

  /// Changes announced so far of pushes in `tx_id`'s stripe: read it before
  /// the transaction's read of the push (inside it is fine: a change is
  /// announced only after its own commit), and pass it to remember().
  std::uint64_t generation(std::string_view tx_id) const;
  /// Longest secret hash kept (a keyed hash is 32 bytes); a longer one is
  /// not remembered.
  static constexpr std::size_t kMaxSecretHashBytes = 64;

  /// Keeps `tx_id` as pending until `expires_at` (Unix seconds) for a
  /// request whose login secret hashes to `secret_hash`; nothing if a change
  /// in its stripe was announced since `seen_generation`, the cache is
  /// full, or the hash is longer than kMaxSecretHashBytes.
  void remember(std::string_view tx_id, std::span<const std::uint8_t> secret_hash, std::int64_t expires_at,
                std::int64_t now_ms, std::uint64_t seen_generation);
  /// The push's expiry (Unix seconds) if `tx_id` is kept, has not expired at
  /// `now_ms`, is not due for a recheck (for Use::answer), and
  /// `secret_matches` its secret's hash; nullopt otherwise (ask the store).
  std::optional<std::int64_t> pending_until(std::string_view tx_id, std::int64_t now_ms,
                                            const SecretMatches& secret_matches, Use use = Use::answer) const;
  /// Drops `tx_id` (it changed, or may have) and starts a new generation of
  /// its stripe.
  void forget(std::string_view tx_id);
  /// Drops every entry and starts a new generation of every stripe: changes
  /// may have been missed (another node's announcements stopped reaching
  /// this one for a while, StoreListener).
  void forget_all();
  /// Entries kept now (tests).
  std::size_t size() const;

 private:
  // In place, not on the heap: a hit copies it out of the lock (the keyed
  // hash is compared outside it) without an allocation.
  struct Entry {
    std::array<std::uint8_t, kMaxSecretHashBytes> secret_hash{};
    std::size_t secret_hash_size = 0;
    std::int64_t expires_at = 0;
    std::int64_t recheck_at_ms = 0;
  };
  // Lookups by string_view, without building a std::string per request.
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const noexcept { return std::hash<std::string_view>{}(id); }
  };
  void drop_due(std::int64_t now_ms);
  static std::size_t stripe(std::string_view tx_id) noexcept;
  static constexpr std::size_t kStripes = 4096;

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::array<std::uint64_t, kStripes> generations_{};
  std::unordered_map<std::string, Entry, IdHash, std::equal_to<>> entries_;
};

}  // namespace sls::server
