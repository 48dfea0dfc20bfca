// StoreListener: what other processes on a PostgreSQL store announce
// (StoreTx::notify), delivered to this one. It holds a libpq connection of
// its own, outside the store's pool, with `LISTEN channel` on it, and sleeps
// on that connection's socket (no query in a loop): PostgreSQL sends a
// notification when the transaction that raised it commits, and the thread
// hands its payload on at once.
//
// A lost connection is opened again with a growing, jittered pause; what
// was announced while none was listening is lost, so every (re)connection
// calls `listening`, whose job is to treat everything cached as changed.
// slsd runs one on the channel "sls_push" when its store is PostgreSQL
// (docs/nodes.md): a push decided on another node wakes the requests held
// here at once, and drops the pending state cached here.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace sls::server {

class StoreListener {
 public:
  struct Handlers {
    /// A notification on the channel; runs on the listener's thread and must
    /// not block (hand the work on).
    std::function<void(std::string_view payload)> notified;
    /// LISTEN is in place on a new connection (the first one too): anything
    /// cached from before may have changed unannounced.
    std::function<void()> listening;
    /// A line for the server log (connection lost, back); may be empty.
    std::function<void(const std::string&)> log;
  };
  struct Options {
    /// The first pause before opening a lost connection again; doubled (with
    /// jitter) after each failure up to max_backoff.
    std::chrono::milliseconds first_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
  };

  /// Starts the thread, which connects to `url` (a PostgreSQL URL; the
  /// connection's application_name is "slsd listener PID") and listens on
  /// `channel` (lowercase letters, digits and '_'; anything else
  /// throws std::invalid_argument). Returns at once: wait_listening() waits.
  StoreListener(std::string url, std::string channel, Handlers handlers);
  StoreListener(std::string url, std::string channel, Handlers handlers, Options options);
  /// stop().
  ~StoreListener();
  StoreListener(const StoreListener&) = delete;
  StoreListener& operator=(const StoreListener&) = delete;

  /// Ends the thread and closes the connection (idempotent).
  void stop();
  /// Waits until the `n`th connection has LISTEN in place; false when
  /// `timeout` passes first.
  bool wait_listening(std::chrono::milliseconds timeout, std::uint64_t n = 1);
  /// Connections that reached LISTEN so far.
  std::uint64_t connections() const;
  /// The backend pid of the current connection, 0 when none (tests end it
  /// with pg_terminate_backend).
  int backend_pid() const;

 private:
  void run();
  /// Sleeps up to `d` unless stopped; false when stopped.
  bool pause(std::chrono::milliseconds d);

  const std::string url_;
  const std::string channel_;
  const Handlers handlers_;
  const Options options_;
  int stop_pipe_[2] = {-1, -1};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t connections_ = 0;
  int backend_pid_ = 0;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace sls::server
