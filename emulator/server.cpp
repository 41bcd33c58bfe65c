// The emulator's HTTP server on BSD sockets: one thread per connection, requests read by
// detail::read_request_head under its caps. It replaced cpprestsdk's http_listener, whose asio
// reader keeps a request head and body of any size in memory (measured: 200 MB of headers made
// the emulator's peak 276 MB; a 2 GB Content-Length body was read in, 313 MB after 300 MB sent).
#include "emulator/server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>

#include "emulator/detail/http_request.h"

namespace hciattest::emulator {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a blocked thread looks at `stopping`.
constexpr milliseconds kTick{100};
// A request must arrive whole within this of its first byte (a client dripping a head forever
// is dropped); an idle keep-alive connection is closed after kIdle.
constexpr std::chrono::seconds kRequestTime{10};
constexpr std::chrono::seconds kIdle{60};
constexpr std::size_t kReadChunk = 16 * 1024;

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
  }
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string response_head(int status, const std::map<std::string, std::string>& headers,
                          std::size_t content_length, bool close) {
  std::string h = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  for (const auto& [k, v] : headers) h += k + ": " + v + "\r\n";
  h += "Content-Length: " + std::to_string(content_length) + "\r\n";
  if (close) h += "Connection: close\r\n";
  return h + "\r\n";
}

// Sleeps `d` in ticks; false when the server stops meanwhile.
bool sleep_unless_stopping(milliseconds d, const std::atomic<bool>& stopping) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
    if (stopping) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(kTick, until - Clock::now()));
  }
  return !stopping;
}

}  // namespace

struct EmulatorServer::Impl {
  std::shared_ptr<ImdsEmulator> emulator;
  std::string listen;
  std::function<void(const std::string&)> log;
  int listen_fd = -1;
  std::thread acceptor;
  std::atomic<int> connections{0};  // connection threads still running
  std::atomic<bool> stopping{false};

  void accept_loop();
  void serve_connection(int fd);
  // Reads until `buffer` holds at least `want` bytes or a whole head (want == 0); false when the
  // peer closed, a deadline passed or the server is stopping.
  bool read_more(int fd, std::string& buffer, Clock::time_point deadline);
  bool answer(int fd, const EmulatorRequest& req, bool keep_alive);
  void linger_close(int fd);
  void log_line(const EmulatorRequest& req, const EmulatorReply& reply) const;
};

void EmulatorServer::Impl::accept_loop() {
  while (!stopping) {
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(kTick.count())) <= 0) continue;
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    // A client that stops reading must not hold a writer (and stop()) forever.
    const timeval send_timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
    ++connections;
    std::thread([this, fd] {
      serve_connection(fd);
      ::close(fd);
      // Requests are signed on this thread: free OpenSSL's per-thread state (error queue,
      // DRBGs) before it ends.
      OPENSSL_thread_stop();
      --connections;
    }).detach();
  }
}

bool EmulatorServer::Impl::read_more(int fd, std::string& buffer, Clock::time_point deadline) {
  char chunk[kReadChunk];
  while (!stopping) {
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return false;
    pollfd p{fd, POLLIN, 0};
    const auto wait = std::chrono::duration_cast<milliseconds>(std::min<Clock::duration>(kTick, left));
    const int ready = ::poll(&p, 1, static_cast<int>(wait.count()) + 1);
    if (ready < 0 && errno != EINTR) return false;
    if (ready <= 0) continue;
    const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  return false;
}

// After a refusal, the client may still be sending: closing now with its bytes unread would
// reset the connection, and the client could lose the answer. So end our side, and read and drop
// what comes for a moment (at most 500 ms and 1 MiB: a bounded courtesy), as web servers do.
void EmulatorServer::Impl::linger_close(int fd) {
  ::shutdown(fd, SHUT_WR);
  const auto until = Clock::now() + milliseconds(500);
  std::string drained;
  for (std::size_t total = 0; total < 1024 * 1024;) {
    drained.clear();
    if (!read_more(fd, drained, until)) return;
    total += drained.size();
  }
}

void EmulatorServer::Impl::serve_connection(int fd) {
  std::string buffer;  // at most a head's cap (or a body's) plus one read: the caps bound it
  for (;;) {
    auto deadline = Clock::now() + (buffer.empty() ? kIdle : kRequestTime);
    detail::RequestHead head = detail::read_request_head(buffer);
    while (head.state == detail::RequestHead::State::kNeedMore) {
      const bool first_byte = buffer.empty();
      if (!read_more(fd, buffer, deadline)) return;
      if (first_byte) deadline = Clock::now() + kRequestTime;
      head = detail::read_request_head(buffer);
    }
    if (head.state == detail::RequestHead::State::kRejected) {
      const std::string body = R"({"error":")" + std::string(reason_phrase(head.status)) +
                               R"(","message":")" + head.reason + "\"}";
      if (log) log("(refused) -> " + std::to_string(head.status) + " " + head.reason);
      send_all(fd, response_head(head.status, {{"Content-Type", "application/json; charset=utf-8"}},
                                 body.size(), true) +
                       body);
      linger_close(fd);
      return;
    }
    // The body (at most the body cap): read and dropped, IMDS has no use for it.
    while (buffer.size() < head.head_bytes + head.body_bytes) {
      if (!read_more(fd, buffer, deadline)) return;
    }
    buffer.erase(0, head.head_bytes + head.body_bytes);
    if (!answer(fd, head.request, head.keep_alive) || !head.keep_alive) return;
  }
}

bool EmulatorServer::Impl::answer(int fd, const EmulatorRequest& req, bool keep_alive) {
  EmulatorReply reply = emulator->handle(req);
  log_line(req, reply);
  if (reply.delay.count() > 0 && !sleep_unless_stopping(reply.delay, stopping)) return false;
  switch (reply.delivery) {
    case EmulatorReply::Delivery::kReset: {
      // Promise a body and end it early, then close: the client sees the exchange cut off
      // mid-response, as after a reset (the transport reports kReset on every platform).
      static constexpr std::string_view kPartial = "{\"encoding\":\"pk";
      send_all(fd, response_head(reply.status, reply.headers, 4096, true));
      send_all(fd, kPartial);
      return false;
    }
    case EmulatorReply::Delivery::kDrip: {
      if (!send_all(fd, response_head(reply.status, reply.headers, reply.body.size(), !keep_alive))) {
        return false;
      }
      // About 30 slices, 50 ms apart: ~1.5 s for any body.
      const std::size_t slice = std::max<std::size_t>(1, reply.body.size() / 30);
      for (std::size_t at = 0; at < reply.body.size(); at += slice) {
        if (!send_all(fd, std::string_view(reply.body).substr(at, slice))) return false;
        if (!sleep_unless_stopping(milliseconds(50), stopping)) return false;
      }
      return true;
    }
    case EmulatorReply::Delivery::kNormal:
      return send_all(fd, response_head(reply.status, reply.headers, reply.body.size(), !keep_alive) +
                              reply.body);
  }
  return false;
}

void EmulatorServer::Impl::log_line(const EmulatorRequest& req, const EmulatorReply& reply) const {
  if (!log) return;
  const char* delivery = reply.delivery == EmulatorReply::Delivery::kReset  ? " reset"
                         : reply.delivery == EmulatorReply::Delivery::kDrip ? " drip"
                                                                            : "";
  const auto md = req.headers.find("metadata");
  log(req.method + " " + req.path + (req.query.empty() ? "" : "?" + req.query) +
      " Metadata=" + (md != req.headers.end() ? md->second : std::string("(absent)")) + " -> " +
      std::to_string(reply.status) + delivery);
}

EmulatorServer::EmulatorServer(std::shared_ptr<ImdsEmulator> emulator, std::string listen,
                               std::function<void(const std::string&)> log)
    : impl_(std::make_unique<Impl>()) {
  impl_->emulator = std::move(emulator);
  impl_->listen = std::move(listen);
  impl_->log = std::move(log);
}

EmulatorServer::~EmulatorServer() { stop(); }

std::string EmulatorServer::base_url() const { return "http://" + impl_->listen; }

void EmulatorServer::start() {
  const std::string& listen = impl_->listen;
  const std::size_t colon = listen.rfind(':');
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("cannot listen on " + listen + ": " + why +
                             " (is the address configured on this host and the port free?)");
  };
  if (colon == std::string::npos) fail("give ADDR:PORT");
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int gai = ::getaddrinfo(listen.substr(0, colon).c_str(), listen.substr(colon + 1).c_str(),
                                &hints, &found);
  if (gai != 0) fail(::gai_strerror(gai));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, ::freeaddrinfo);
  const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    fail(why);
  }
  impl_->listen_fd = fd;
  impl_->stopping = false;
  impl_->acceptor = std::thread([impl = impl_.get()] { impl->accept_loop(); });
}

void EmulatorServer::stop() {
  if (impl_->listen_fd < 0) return;
  impl_->stopping = true;
  if (impl_->acceptor.joinable()) impl_->acceptor.join();
  ::close(impl_->listen_fd);
  impl_->listen_fd = -1;
  // Each connection thread looks at `stopping` every tick.
  while (impl_->connections.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace hciattest::emulator
