// slsd's HTTP front end on Boost.Beast and Asio: the listening socket, the
// connection caps, and each connection as an asynchronous state machine
// (idle wait, head, body, handler on a worker, write, close). No I/O thread
// ever blocks: route handlers run on a separate worker pool and hand their
// reply back to the connection's strand. What a request gets is decided in
// http_dispatch.cpp.
#include "server/http_api.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/client_address.hpp"
#include "server/connection_limiter.hpp"
#include "server/http_dispatch.hpp"
#include "server/http_request.hpp"
#include "server/http_wire.hpp"
#include "server/push_waiters.hpp"
#include "sls/json.hpp"
#include "sls/messages.hpp"
#include "sls/secure.hpp"

namespace sls::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;

/// Bytes read and thrown away after an error reply before closing, so that
/// the client reads the reply instead of a reset; and how long that may take.
constexpr std::size_t kMaxDrainBytes = 1 << 20;
constexpr auto kDrainTime = std::chrono::seconds(1);
/// How long accepting pauses when the process is out of file descriptors.
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

/// A parse error of the request itself (a bad request line, header or
/// chunk), as opposed to the client going away or running out of time.
bool is_malformed_request(error_code ec) {
  const error_code any_http_error = http::error::bad_method;
  return ec.category() == any_http_error.category() && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

class Session;

/// The parsed list; an unparsable one trusts nobody (bind() refuses it).
TrustedProxies trusted_or_none(const std::vector<std::string>& blocks) {
  auto parsed = TrustedProxies::parse(blocks);
  return parsed ? std::move(*parsed) : TrustedProxies{};
}

/// Everything the connections share; owned by HttpApi::Impl.
struct Server {
  Server(AuthService& service, const Clock& server_clock, HttpConfig cfg, HttpApi::LogSink log)
      : clock(server_clock),
        config(std::move(cfg)),
        limits(RequestLimits::from(config)),
        dispatcher(service, server_clock, config, std::move(log)),
        connections(std::max<std::size_t>(1, config.max_connections_per_address),
                    std::max<std::size_t>(1, config.max_connections)),
        waiter_slots(std::max<std::size_t>(1, config.max_waiters_per_address),
                     std::max<std::size_t>(1, config.max_waiters)),
        // An unparsable list trusts nobody; bind() refuses it.
        proxies(trusted_or_none(config.trusted_proxies)),
        workers(std::max<std::size_t>(1, config.threads)) {}

  /// Counts a new request for the worker pool; false (nothing counted) when
  /// the workers are busy and max_queued_requests already wait.
  bool take_worker_job() {
    const std::size_t cap = std::max<std::size_t>(1, config.threads) + config.max_queued_requests;
    std::size_t n = worker_jobs.load();
    do {
      if (n >= cap) return false;
    } while (!worker_jobs.compare_exchange_weak(n, n + 1));
    return true;
  }
  void finish_worker_job() { worker_jobs.fetch_sub(1); }

  /// Takes a slot for a held status request of `key`; false over a cap.
  bool admit_waiter(const std::string& key) {
    if (config.max_waiters == 0 || config.max_waiters_per_address == 0) return false;
    return waiter_slots.admit(key);
  }

  std::chrono::seconds request_timeout() const {
    return std::chrono::seconds(std::max<std::int64_t>(1, config.request_timeout_seconds));
  }
  std::chrono::seconds keep_alive() const {
    return std::chrono::seconds(std::max<std::int64_t>(1, config.keep_alive_seconds));
  }

  void remember(Session* s, const std::shared_ptr<Session>& p) {
    std::lock_guard lock(sessions_mutex);
    sessions[s] = p;
  }
  void forget(Session* s) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
  }
  /// Lets running handlers finish and drops queued ones; once.
  void stop_workers() {
    std::call_once(workers_stopped, [this] {
      workers.stop();
      workers.join();
    });
  }

  // Destroyed in reverse order: the worker pool and the io_context (with the
  // sessions their queued handlers hold) go before what sessions use.
  const Clock& clock;
  const HttpConfig config;
  const RequestLimits limits;
  Dispatcher dispatcher;
  ConnectionLimiter connections;
  LocalPushWaiters waiters;
  ConnectionLimiter waiter_slots;
  const TrustedProxies proxies;
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  asio::thread_pool workers;
  /// New requests on the worker pool, queued or running (take_worker_job).
  std::atomic<std::size_t> worker_jobs{0};
  std::once_flag workers_stopped;
  std::atomic<bool> running{false};
};

/// One client connection. All its steps run on its own strand; only the
/// route handler runs elsewhere (a worker), while no I/O is pending.
class Session : public std::enable_shared_from_this<Session> {
 public:
  /// `key`: what the connection counts against (connection_key; "" for a
  /// trusted proxy). `peer`: the TCP peer's address.
  Session(tcp::socket socket, Server& server, std::string key, const asio::ip::address& peer)
      : stream_(std::move(socket)),
        server_(server),
        key_(std::move(key)),
        peer_(normalized(peer)),
        proxied_(server.proxies.contains(peer_)),
        remote_(peer_.to_string()),
        client_(remote_),
        // Room for a head at the limit plus what follows it in one read; a
        // head that fills it is over the limit (431).
        buffer_(server.limits.max_header_bytes + 8 * 1024),
        wait_timer_(stream_.get_executor()) {}
  ~Session() {
    if (ticket_) server_.waiters.cancel(*ticket_);
    if (holds_slot_) server_.waiter_slots.release(waiter_key_);
    server_.connections.release(key_);
    server_.forget(this);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// The first request has request_timeout from the connect, idle time included.
  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->stream_.expires_after(self->server_.request_timeout());
      self->read_head();
    });
  }

  /// Closes the socket; only while no thread runs the io_context.
  void close_now() { close(); }

 private:
  /// Between requests: the idle deadline until the next request's first byte.
  void wait_for_request() {
    if (buffer_.size() > 0) {  // a pipelined request is already here
      stream_.expires_after(server_.request_timeout());
      read_head();
      return;
    }
    stream_.expires_after(server_.keep_alive());
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return self->close();
      self->buffer_.commit(n);
      // From the first byte, the whole request must arrive within the deadline.
      self->stream_.expires_after(self->server_.request_timeout());
      self->read_head();
    });
  }

  void read_head() {
    parser_.emplace(server_.limits);
    client_ = remote_;
    view_.emplace(*parser_, client_);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](error_code ec, std::size_t) { self->on_head(ec); });
  }

  void on_head(error_code ec) {
    started_ = std::chrono::steady_clock::now();
    if (ec) return on_read_error(ec);
    if (proxied_) find_client();
    try {
      admission_ = server_.dispatcher.admit(*parser_, *view_);
    } catch (const std::exception& e) {
      server_.dispatcher.log_error("error " + std::string(parser_->method()) + ": exception: " + e.what());
      HttpReply r = Dispatcher::error_reply(Errc::internal, Lang::en);
      r.close = true;
      return send(std::move(r));
    }
    if (admission_.next == Admission::Next::reply) return send(std::move(admission_.reply));
    if (parser_->is_done()) return handle_on_worker();
    if (beast::iequals(view_->header("Expect"), "100-continue")) return send_continue();
    read_body();
  }

  /// Behind a trusted proxy: the client this request is from, by its
  /// X-Forwarded-For (client_address.hpp), for the gates, the handler and
  /// the log; each request of the connection may be from another client.
  void find_client() {
    std::vector<std::string_view> lines;
    const auto [first, last] = parser_->fields().equal_range("X-Forwarded-For");
    for (auto f = first; f != last; ++f) lines.emplace_back(f->value().data(), f->value().size());
    client_address_ = server_.proxies.client_address(peer_, lines);
    client_ = client_address_.to_string();
    view_.emplace(*parser_, client_);
  }

  /// A client that asked to be told (curl does for bodies over 1 KiB) gets
  /// "100 Continue" now that the head passed the gates, instead of waiting.
  void send_continue() {
    continue_ = std::make_unique<http::response<http::empty_body>>(http::status::continue_, parser_->version());
    http::async_write(stream_, *continue_, [self = shared_from_this()](error_code ec, std::size_t) {
      self->continue_.reset();
      if (ec) return self->close();
      self->read_body();
    });
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](error_code e, std::size_t) {
      if (e) return self->on_read_error(e);
      self->handle_on_worker();
    });
  }

  /// Runs the handler on the worker pool and posts its reply back here. The
  /// session's state is the worker's alone meanwhile: nothing is pending on
  /// the strand. A new request over the queue's bound is answered 503 at once;
  /// a held status request running again is not a new request.
  void handle_on_worker() {
    const bool counted = wait_ == Wait::none;
    if (admission_.next == Admission::Next::handle && admission_.wait_seconds > 0 && wait_ == Wait::none) {
      begin_wait();
      // Its wake-up is registered: a push known unchanged parks at once,
      // without a worker (any later change wakes it and it runs there).
      if (wait_ == Wait::running)
        if (auto reply = server_.dispatcher.unchanged_status(admission_, *view_, PendingPushCache::Use::park))
          return on_reply(std::move(*reply));
    }
    if (counted && !server_.take_worker_job()) {
      if (wait_ != Wait::none) end_wait();
      return send(busy_reply());
    }
    asio::post(server_.workers, [self = shared_from_this(), counted] {
      HttpReply reply = self->admission_.next == Admission::Next::static_file
                            ? self->server_.dispatcher.serve_static(self->admission_, *self->view_)
                            : self->server_.dispatcher.handle(self->admission_, *self->view_, self->parser_->body());
      if (counted) self->server_.finish_worker_job();
      asio::post(self->stream_.get_executor(),
                 [self, reply = std::move(reply)]() mutable { self->on_reply(std::move(reply)); });
    });
  }

  HttpReply busy_reply() const {
    ErrorExtras extras;
    extras.retry_after = 1;
    HttpReply r = Dispatcher::error_reply(Errc::http_busy, admission_.lang, extras);
    if (admission_.route != nullptr) r.route = std::string(admission_.route->pattern);
    return r;
  }

  // --- long poll ------------------------------------------------------------------------------------
  //
  // A status request with `?wait=S` runs like any other on a worker; while
  // its answer is pending it is parked: no thread, only a timer (the bound,
  // or the expiry) and a wake-up registered under the id it waits on, taken
  // before each run so that no change is missed. A wake-up, the expiry or
  // the bound runs the status again; the bound's run answers whatever it is.
  // A read watches the socket meanwhile: the client leaving frees the slot.

  /// Takes a waiter slot (none over a cap: the request is answered at once).
  void begin_wait() {
    // Behind a proxy the slots are the client's, not the proxy's.
    waiter_key_ = proxied_ ? connection_key(client_address_) : key_;
    if (!server_.admit_waiter(waiter_key_)) return;
    holds_slot_ = true;
    wait_ = Wait::running;
    woken_ = false;
    final_run_ = false;
    wait_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(admission_.wait_seconds);
    listen_for_change();
  }

  void listen_for_change() {
    if (ticket_) return;
    std::weak_ptr<Session> weak = weak_from_this();
    const std::uint64_t generation = ++listen_generation_;
    ticket_ = server_.waiters.wait(admission_.wait_id, [weak, generation] {
      if (auto self = weak.lock())
        asio::post(self->stream_.get_executor(), [self, generation] { self->on_change(generation); });
    });
  }

  void on_change(std::uint64_t generation) {
    if (generation != listen_generation_ || !ticket_) return;  // a wake-up of an earlier wait
    ticket_.reset();                                           // used up
    if (wait_ == Wait::running) {
      woken_ = true;
    } else if (wait_ == Wait::parked) {
      run_status_again();
    }
  }

  void run_status_again() {
    wait_ = Wait::running;
    wait_timer_.cancel();
    if (!final_run_) listen_for_change();
    handle_on_worker();
  }

  void on_reply(HttpReply reply) {
    if (wait_ == Wait::none) return send(std::move(reply));
    const auto now = std::chrono::steady_clock::now();
    if (!reply.pending_until || final_run_ || now >= wait_deadline_ || !server_.running.load()) {
      end_wait();
      return send(std::move(reply));
    }
    if (woken_) {  // it changed while the status ran
      woken_ = false;
      return run_status_again();
    }
    park(*reply.pending_until);
  }

  void park(std::int64_t expires_at) {
    wait_ = Wait::parked;
    // Wake at the expiry too (just after it, so the status sees it), or at the bound.
    const auto left =
        std::chrono::milliseconds(std::max<std::int64_t>(1000, expires_at * 1000 - server_.clock.now_ms() + 10));
    const auto now = std::chrono::steady_clock::now();
    const bool at_bound = now + left >= wait_deadline_;
    wait_timer_.expires_at(at_bound ? wait_deadline_ : now + left);
    wait_timer_.async_wait([self = shared_from_this(), at_bound](error_code ec) {
      if (ec || self->wait_ != Wait::parked) return;
      self->final_run_ = at_bound;
      self->run_status_again();
    });
    stream_.expires_never();
    watch_client();
  }

  /// A read while parked: an error means the client went away.
  void watch_client() {
    const std::size_t room = std::min<std::size_t>(4096, buffer_.max_size() - buffer_.size());
    if (watching_ || watched_data_ || room == 0) return;
    watching_ = true;
    stream_.async_read_some(buffer_.prepare(room), [self = shared_from_this()](error_code ec, std::size_t n) {
      self->watching_ = false;
      if (!ec) {
        // A pipelined request: kept for later; the watch ends here.
        self->buffer_.commit(n);
        self->watched_data_ = true;
      } else if (ec != asio::error::operation_aborted && self->wait_ != Wait::none) {
        self->end_wait();  // gone: its slot is free at once
        return self->close();
      }
      if (self->resume_after_watch_) {
        self->resume_after_watch_ = false;
        self->wait_for_request();
      }
    });
  }

  /// The held request answers: slot, wake-up, timer and watch released.
  void end_wait() {
    wait_ = Wait::none;
    wait_timer_.cancel();
    if (ticket_) server_.waiters.cancel(*ticket_);
    ticket_.reset();
    if (holds_slot_) server_.waiter_slots.release(waiter_key_);
    holds_slot_ = false;
    if (watching_) {
      error_code ignored;
      stream_.socket().cancel(ignored);
    }
  }

  /// A request that could not be read whole: answer what can be answered,
  /// close quietly otherwise (timeouts, resets, a client that went away).
  void on_read_error(error_code ec) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      HttpReply r = Dispatcher::error_reply(Errc::http_headers_too_large, Lang::en);
      r.close = true;
      return send(std::move(r));
    }
    if (ec == http::error::bad_transfer_encoding) {
      HttpReply r = Dispatcher::error_reply(Errc::http_length_required, Lang::en);
      r.close = true;
      return send(std::move(r));
    }
    if (ec == http::error::body_limit) {
      HttpReply r = Dispatcher::error_reply(Errc::http_body_too_large, admission_.lang);
      r.route = admission_.reply.route;
      r.close = true;
      return send(std::move(r));
    }
    if (is_malformed_request(ec)) {
      HttpReply r = Dispatcher::error_reply(Errc::http_bad_request, Lang::en);
      r.close = true;
      return send(std::move(r));
    }
    close();
  }

  void send(HttpReply reply) {
    const bool head_read = parser_ && parser_->is_header_done();
    const std::string_view method = head_read ? parser_->method() : std::string_view("-");
    server_.dispatcher.log_request(head_read ? client_ : remote_, method, reply,
                                   std::chrono::steady_clock::now() - started_);
    const bool keep_alive =
        head_read && !reply.close && parser_->is_done() && parser_->keep_alive() && server_.running.load();
    const unsigned version = head_read ? static_cast<unsigned>(parser_->version()) : 11U;  // 10 or 11
    out_ = serialize_reply(std::move(reply), version, keep_alive, method == "HEAD");
    stream_.expires_after(server_.request_timeout());
    asio::async_write(stream_, asio::buffer(out_), [self = shared_from_this(), keep_alive](error_code ec, std::size_t) {
      wipe(self->out_);  // it may hold a completion token
      if (ec) return self->close();
      if (!keep_alive) return self->close_after_drain();
      self->parser_.reset();
      self->watched_data_ = false;
      if (self->watching_) {
        self->resume_after_watch_ = true;  // once the cancelled watch is done with the buffer
        return;
      }
      self->wait_for_request();
    });
  }

  /// Closes after the reply has gone, reading (and dropping) what the client
  /// still sends for a moment: closing with unread data would send a reset,
  /// and the client could lose the reply it has not read yet.
  void close_after_drain() {
    if (watching_) return close();  // a held request's cancelled watch still owns the buffer
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kDrainTime);
    drain();
  }
  void drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kMaxDrainBytes) return self->close();
      self->drain();
    });
  }

  void close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Server& server_;
  const std::string key_;
  const asio::ip::address peer_;
  const bool proxied_;  ///< the peer is a trusted proxy
  const std::string remote_;
  /// The current request's client: the peer, or whom a trusted proxy names.
  std::string client_;
  asio::ip::address client_address_;
  std::string waiter_key_;  ///< the slot a held request holds
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::optional<RequestView> view_;
  Admission admission_;
  std::string out_;  ///< the reply being written (wiped once written)
  std::unique_ptr<http::response<http::empty_body>> continue_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::size_t drained_ = 0;
  // The long poll's state (see begin_wait).
  enum class Wait { none, running, parked };
  Wait wait_ = Wait::none;
  bool holds_slot_ = false;
  bool woken_ = false;
  bool final_run_ = false;
  bool watching_ = false;
  bool watched_data_ = false;
  bool resume_after_watch_ = false;
  std::optional<PushWaiters::Ticket> ticket_;
  std::uint64_t listen_generation_ = 0;
  std::chrono::steady_clock::time_point wait_deadline_;
  asio::steady_timer wait_timer_;
};

/// Answers a connection over a cap with 503 and closes it, without a
/// session: one non-blocking write of a short reply the socket buffer holds.
void refuse_connection(tcp::socket& socket) {
  static const std::string reply = [] {
    HttpReply r = Dispatcher::error_reply(Errc::http_too_many_connections, Lang::en);
    std::string out = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + r.content_type +
                      "\r\nCache-Control: no-store\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
                      std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
    return out;
  }();
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(reply), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

/// Applies the caps to a new connection and starts its session.
void admit_connection(Server& server, tcp::socket socket) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // gone already
  // A trusted proxy's connections carry many clients: only the cap in all
  // applies to them; the per-address limits apply to each client it names.
  std::string key = server.proxies.contains(peer.address()) ? std::string() : connection_key(peer.address());
  if (!server.connections.admit(key)) return refuse_connection(socket);
  // Replies go out as soon as they are written: without TCP_NODELAY the body
  // waits for the ACK of the headers (Nagle), which the client delays (about
  // 40 ms per request on Linux).
  socket.set_option(tcp::no_delay(true), ec);
  auto session = std::make_shared<Session>(std::move(socket), server, std::move(key), peer.address());
  server.remember(session.get(), session);
  session->start();
}

void accept_next(Server& server) {
  server.acceptor.async_accept(asio::make_strand(server.io), [&server](error_code ec, tcp::socket socket) {
    if (!server.acceptor.is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors (or another transient failure): try again
      // shortly instead of spinning.
      server.dispatcher.log_error("accept failed: " + ec.message());
      server.accept_retry.expires_after(kAcceptRetry);
      server.accept_retry.async_wait([&server](error_code e) {
        if (!e) accept_next(server);
      });
      return;
    }
    admit_connection(server, std::move(socket));
    accept_next(server);
  });
}

}  // namespace

struct HttpApi::Impl {
  Server server;
  AuthService& service;
  Impl(AuthService& s, const Clock& c, HttpConfig cfg, LogSink l)
      : server(s, c, std::move(cfg), std::move(l)), service(s) {
    service.set_push_waiters(&server.waiters);
  }
  ~Impl() {
    server.io.stop();
    server.stop_workers();
    service.set_push_waiters(nullptr);
  }
};

HttpApi::HttpApi(AuthService& service, const Clock& clock, HttpConfig config, LogSink log)
    : impl_(std::make_unique<Impl>(service, clock, std::move(config), std::move(log))) {}

HttpApi::~HttpApi() { stop(); }

Result<int> HttpApi::bind() {
  Server& s = impl_->server;
  if (auto valid = validate_frame_ancestors(s.config.frame_ancestors); !valid) return valid.error();
  if (auto proxies = TrustedProxies::parse(s.config.trusted_proxies); !proxies) return proxies.error();
  const std::string& host = s.config.host;
  const std::string port = std::to_string(s.config.port);
  error_code ec;
  tcp::resolver resolver(s.io);
  const auto endpoints = resolver.resolve(host, port, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) return fail(Errc::bad_argument, {"bind", host, port});
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  s.acceptor.open(endpoint.protocol(), ec);
  // SO_REUSEADDR only lets the port be bound again while old connections
  // linger in TIME_WAIT; unlike SO_REUSEPORT it never lets a second server
  // listen on it (and take half the connections).
  if (!ec) s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (ec == asio::error::address_in_use) {
    s.acceptor.close(ec);
    return fail(Errc::server_address_in_use, {host, port});
  }
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    s.acceptor.close(ignored);
    return fail(Errc::bad_argument, {"bind", host, port});
  }
  return static_cast<int>(s.acceptor.local_endpoint().port());
}

bool HttpApi::listen() {
  Server& s = impl_->server;
  if (!s.acceptor.is_open()) return false;
  s.running = true;
  accept_next(s);
  auto run = [&s] {
    for (;;) {
      try {
        s.io.run();
        return;
      } catch (const std::exception& e) {
        s.dispatcher.log_error(std::string("error: exception in the I/O loop: ") + e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < std::max<std::size_t>(1, s.config.io_threads); ++i) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
  // Stopped: finish the handlers that are running, drop the queued ones, and
  // close every connection so that clients see the end at once.
  s.running = false;
  s.stop_workers();
  error_code ignored;
  s.acceptor.close(ignored);
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard lock(s.sessions_mutex);
    for (auto& [ptr, weak] : s.sessions)
      if (auto session = weak.lock()) open.push_back(std::move(session));
  }
  for (auto& session : open) session->close_now();
  return true;
}

void HttpApi::stop() {
  impl_->server.running = false;
  impl_->server.io.stop();
}

bool HttpApi::is_running() const { return impl_->server.running.load(); }

}  // namespace sls::server
