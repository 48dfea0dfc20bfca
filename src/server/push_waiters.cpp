// LocalPushWaiters (push_waiters.hpp).
#include "server/push_waiters.hpp"

#include <utility>
#include <vector>

namespace sls::server {

PushWaiters::Ticket LocalPushWaiters::wait(std::string_view id, Wake wake) {
  std::lock_guard lock(mutex_);
  const Ticket t = next_++;
  by_id_.emplace(std::string(id), std::make_pair(t, std::move(wake)));
  ids_.emplace(t, std::string(id));
  return t;
}

void LocalPushWaiters::cancel(Ticket ticket) {
  std::lock_guard lock(mutex_);
  auto it = ids_.find(ticket);
  if (it == ids_.end()) return;
  auto [first, last] = by_id_.equal_range(it->second);
  for (auto w = first; w != last; ++w)
    if (w->second.first == ticket) {
      by_id_.erase(w);
      break;
    }
  ids_.erase(it);
}

void LocalPushWaiters::notify(std::string_view id) {
  std::vector<Wake> woken;
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = by_id_.equal_range(std::string(id));
    for (auto w = first; w != last; ++w) {
      ids_.erase(w->second.first);
      woken.push_back(std::move(w->second.second));
    }
    by_id_.erase(first, last);
  }
  // Outside the lock: a wake-up may register again at once.
  for (auto& wake : woken) wake();
}

void LocalPushWaiters::notify_all() {
  std::vector<Wake> woken;
  {
    std::lock_guard lock(mutex_);
    woken.reserve(by_id_.size());
    for (auto& w : by_id_) woken.push_back(std::move(w.second.second));
    by_id_.clear();
    ids_.clear();
  }
  for (auto& wake : woken) wake();
}

std::size_t LocalPushWaiters::size() const {
  std::lock_guard lock(mutex_);
  return ids_.size();
}

}  // namespace sls::server
