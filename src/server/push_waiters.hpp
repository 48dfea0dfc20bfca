// Wake-ups for long-polled status requests (GET /push/{tx_id}?wait=S): a
// parked request registers under the id it waits on (a push transaction,
// or a login whose QR challenge it watches) and is woken when the service
// stores a change to it. In one process LocalPushWaiters does it; a server
// of several nodes plugs in its own (e.g. PostgreSQL LISTEN/NOTIFY) behind
// the same interface.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sls::server {

class PushWaiters {
 public:
  /// Called at most once, on whichever thread notifies; it must only hand
  /// the work on (post to the waiter's own executor), never block.
  using Wake = std::function<void()>;
  using Ticket = std::uint64_t;

  virtual ~PushWaiters() = default;
  /// Registers `wake` under `id` until it is woken or cancelled.
  virtual Ticket wait(std::string_view id, Wake wake) = 0;
  /// Unregisters a waiter that has not been woken (its client went away or
  /// its deadline passed); nothing if it was woken already.
  virtual void cancel(Ticket ticket) = 0;
  /// Wakes every waiter of `id` (after the change is committed). A woken
  /// waiter re-reads the state, so a wake-up without a change is harmless.
  virtual void notify(std::string_view id) = 0;
  /// Wakes every waiter: changes may have been missed (StoreListener
  /// reconnected). Each re-reads its state.
  virtual void notify_all() = 0;
};

/// The waiters of this process.
class LocalPushWaiters final : public PushWaiters {
 public:
  Ticket wait(std::string_view id, Wake wake) override;
  void cancel(Ticket ticket) override;
  void notify(std::string_view id) override;
  void notify_all() override;
  /// Waiters registered now (tests, statistics).
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  Ticket next_ = 1;
  std::unordered_multimap<std::string, std::pair<Ticket, Wake>> by_id_;
  std::unordered_map<Ticket, std::string> ids_;
};

}  // namespace sls::server
