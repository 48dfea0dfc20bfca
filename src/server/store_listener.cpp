// StoreListener (store_listener.hpp).
#include "server/store_listener.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <random>
#include <stdexcept>
#include <utility>

namespace sls::server {

namespace {

struct PgConnDeleter {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

bool valid_channel(std::string_view channel) {
  if (channel.empty() || channel.size() > 63) return false;
  return std::all_of(channel.begin(), channel.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Keepalives: a peer gone without a word (a cut network) is noticed within
// about a minute even though this connection never sends anything.
// The application name says whose connection it is (pg_stat_activity).
constexpr std::array<const char*, 7> kKeys = {
    "dbname", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "application_name", nullptr};

}  // namespace

StoreListener::StoreListener(std::string url, std::string channel, Handlers handlers)
    : StoreListener(std::move(url), std::move(channel), std::move(handlers), Options{}) {}

StoreListener::StoreListener(std::string url, std::string channel, Handlers handlers, Options options)
    : url_(std::move(url)), channel_(std::move(channel)), handlers_(std::move(handlers)), options_(options) {
  if (!valid_channel(channel_)) throw std::invalid_argument("StoreListener: bad channel name");
  if (::pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("StoreListener: pipe");
  thread_ = std::thread([this] { run(); });
}

StoreListener::~StoreListener() {
  stop();
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

void StoreListener::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  const char byte = 1;
  [[maybe_unused]] const auto written = ::write(stop_pipe_[1], &byte, 1);
  if (thread_.joinable()) thread_.join();
  changed_.notify_all();
}

bool StoreListener::wait_listening(std::chrono::milliseconds timeout, std::uint64_t n) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return connections_ >= n; });
}

std::uint64_t StoreListener::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

int StoreListener::backend_pid() const {
  std::lock_guard lock(mutex_);
  return backend_pid_;
}

bool StoreListener::pause(std::chrono::milliseconds d) {
  pollfd p{stop_pipe_[0], POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(d.count())) == 0;
}

void StoreListener::run() {
  std::minstd_rand jitter(std::random_device{}());
  std::chrono::milliseconds backoff = options_.first_backoff;
  auto log = [this](const std::string& line) {
    if (handlers_.log) handlers_.log(line);
  };
  auto wait_after_failure = [&]() -> bool {
    // Half to all of the pause: nodes that lost the server together do not
    // all knock again at the same instant.
    const auto ms = backoff.count() / 2 + static_cast<long>(jitter() % static_cast<unsigned>(backoff.count() / 2 + 1));
    backoff = std::min(options_.max_backoff, backoff * 2);
    return pause(std::chrono::milliseconds(ms));
  };
  const std::string application_name = "slsd listener " + std::to_string(::getpid());
  bool lost_before = false;
  for (;;) {
    // Connecting without blocking, so that stop() is never kept waiting on
    // an unreachable server.
    const std::array<const char*, 7> values = {url_.c_str(), "1", "10", "5", "3", application_name.c_str(), nullptr};
    PgConnPtr conn(PQconnectStartParams(kKeys.data(), values.data(), 1));
    bool connected = false;
    bool stopping = false;
    if (conn && PQstatus(conn.get()) != CONNECTION_BAD) {
      PostgresPollingStatusType st = PGRES_POLLING_WRITING;
      while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        std::array<pollfd, 2> fds{
            pollfd{PQsocket(conn.get()), static_cast<short>(st == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0},
            pollfd{stop_pipe_[0], POLLIN, 0}};
        if (::poll(fds.data(), fds.size(), 10000) <= 0) break;  // 10 s: give up this attempt
        if (fds[1].revents != 0) {
          stopping = true;
          break;
        }
        st = PQconnectPoll(conn.get());
      }
      connected = st == PGRES_POLLING_OK;
    }
    if (stopping) return;
    if (connected) {
      // The server's notices (e.g. "terminating connection") would go to
      // stderr; the log line below says what matters.
      PQsetNoticeProcessor(
          conn.get(), [](void*, const char*) {}, nullptr);
      const std::string sql = "LISTEN " + channel_;
      std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), sql.c_str()), &PQclear);
      connected = r && PQresultStatus(r.get()) == PGRES_COMMAND_OK;
    }
    if (!connected) {
      log(std::string("store listener: cannot listen: ") + (conn ? PQerrorMessage(conn.get()) : "out of memory"));
      conn.reset();
      if (!wait_after_failure()) return;
      continue;
    }
    backoff = options_.first_backoff;
    if (lost_before) log("store listener: listening again");
    {
      std::lock_guard lock(mutex_);
      ++connections_;
      backend_pid_ = PQbackendPID(conn.get());
    }
    // Before waking wait_listening(): a caller that waited sees the effect.
    if (handlers_.listening) handlers_.listening();
    changed_.notify_all();

    const int sock = PQsocket(conn.get());
    for (;;) {
      std::array<pollfd, 2> fds{pollfd{sock, POLLIN, 0}, pollfd{stop_pipe_[0], POLLIN, 0}};
      if (::poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR
      if (fds[1].revents != 0) return;
      if (PQconsumeInput(conn.get()) == 0) break;
      while (PGnotify* n = PQnotifies(conn.get())) {
        const std::string_view payload(n->extra);
        if (handlers_.notified) handlers_.notified(payload);
        PQfreemem(n);
      }
      if (PQstatus(conn.get()) != CONNECTION_OK) break;
    }
    log(std::string("store listener: connection lost: ") + PQerrorMessage(conn.get()));
    lost_before = true;
    {
      std::lock_guard lock(mutex_);
      backend_pid_ = 0;
    }
    conn.reset();
    // The first retry at once: the usual loss is one connection ended.
    backoff = options_.first_backoff;
    if (!pause(std::chrono::milliseconds(0))) return;
  }
}

}  // namespace sls::server
