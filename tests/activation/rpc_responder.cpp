#include "tests/activation/rpc_responder.h"

#include <chrono>

namespace hciattest::activation::testing {
namespace {

void le16(std::vector<std::uint8_t>& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v & 0xff));
  b.push_back(static_cast<std::uint8_t>((v >> 8) & 0xff));
}
void le32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  le16(b, v & 0xffff);
  le16(b, v >> 16);
}

// The transfer syntax UUIDs in NDR order (first three fields little-endian), written out.
const std::uint8_t kNdr32Wire[16] = {0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11,
                                     0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60};
const std::uint8_t kNdr64Wire[16] = {0x33, 0x05, 0x71, 0x71, 0xba, 0xbe, 0x37, 0x49,
                                     0x83, 0x19, 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36};

std::vector<std::uint8_t> header(std::uint8_t ptype, std::uint32_t call_id) {
  std::vector<std::uint8_t> b = {5, 0, ptype, 0x03, 0x10, 0, 0, 0};
  le16(b, 0);  // frag_length, patched by finish()
  le16(b, 0);
  le32(b, call_id);
  return b;
}

std::vector<std::uint8_t> finish(std::vector<std::uint8_t> b) {
  b[8] = static_cast<std::uint8_t>(b.size() & 0xff);
  b[9] = static_cast<std::uint8_t>(b.size() >> 8);
  return b;
}

}  // namespace

std::vector<std::uint8_t> bind_ack_bytes(std::uint32_t call_id, const std::vector<AckContext>& ctx) {
  std::vector<std::uint8_t> b = header(12, call_id);
  le16(b, 5840);
  le16(b, 5840);
  le32(b, 0x00012345);                              // assoc_group_id
  le16(b, 5);                                       // port_spec length, with its NUL
  for (char c : std::string("1688")) b.push_back(static_cast<std::uint8_t>(c));
  b.push_back(0);
  while (b.size() % 4 != 0) b.push_back(0);         // align the result list to 4
  b.push_back(static_cast<std::uint8_t>(ctx.size()));
  b.push_back(0);
  le16(b, 0);
  for (const auto& c : ctx) {
    le16(b, c.result);
    le16(b, c.reason);
    const std::uint8_t* uuid = c.syntax == AckContext::Syntax::kNdr32   ? kNdr32Wire
                               : c.syntax == AckContext::Syntax::kNdr64 ? kNdr64Wire
                                                                        : nullptr;
    for (int i = 0; i < 16; ++i) b.push_back(uuid ? uuid[i] : 0);
    le32(b, c.syntax == AckContext::Syntax::kNdr32 ? 2 : c.syntax == AckContext::Syntax::kNdr64 ? 1 : 0);
  }
  return finish(b);
}

std::vector<std::uint8_t> bind_nak_bytes(std::uint32_t call_id, std::uint16_t reason) {
  std::vector<std::uint8_t> b = header(13, call_id);
  le16(b, reason);
  b.push_back(1);  // one protocol version supported: 5.0
  b.push_back(5);
  b.push_back(0);
  return finish(b);
}

RpcResponder::RpcResponder(ResponderMode mode) : mode_(mode) {
  listener_ = listen_loopback(port_, error_);
  if (listener_ != kNoSocket) thread_ = std::thread([this] { serve(); });
}

RpcResponder::~RpcResponder() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  close_socket(listener_);
}

std::vector<std::uint8_t> RpcResponder::received() const {
  return have_request_.load() ? request_ : std::vector<std::uint8_t>{};
}

void RpcResponder::serve() {
  using AC = AckContext;
  while (!stop_) {
    const SocketHandle s = accept_within(listener_, 50);
    if (s == kNoSocket) continue;
    ++connections_;
    // Read one whole PDU (its header's frag_length) or give up after 2 s.
    std::vector<std::uint8_t> req;
    std::uint8_t buf[1024];
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < until && !stop_) {
      if (req.size() >= 10 && req.size() >= static_cast<std::size_t>(req[8] | req[9] << 8)) break;
      const long n = receive_within(s, buf, sizeof(buf), 50);
      if (n == 0) break;
      if (n > 0) req.insert(req.end(), buf, buf + n);
    }
    if (!have_request_) {
      request_ = req;
      have_request_ = true;
    }
    const std::uint32_t call_id =
        req.size() >= 16 ? static_cast<std::uint32_t>(req[12] | req[13] << 8 | req[14] << 16 |
                                                      static_cast<std::uint32_t>(req[15]) << 24)
                         : 0;
    std::vector<std::uint8_t> reply;
    switch (mode_) {
      case ResponderMode::kKmsAccept:
        reply = bind_ack_bytes(call_id, {{0, 0, AC::Syntax::kNdr32}, {2, 2, AC::Syntax::kNone}});
        break;
      case ResponderMode::kKmsAcceptNdr64:
        reply = bind_ack_bytes(call_id, {{2, 2, AC::Syntax::kNone}, {0, 0, AC::Syntax::kNdr64}});
        break;
      case ResponderMode::kRejectInterface:
        reply = bind_ack_bytes(call_id, {{2, 1, AC::Syntax::kNone}, {2, 1, AC::Syntax::kNone}});
        break;
      case ResponderMode::kBindNak: reply = bind_nak_bytes(call_id, 4); break;
      case ResponderMode::kHttp: {
        const std::string http = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
        reply.assign(http.begin(), http.end());
        break;
      }
      case ResponderMode::kWrongCallId:
        reply = bind_ack_bytes(call_id + 7, {{0, 0, AC::Syntax::kNdr32}});
        break;
      case ResponderMode::kTruncated:
        reply = bind_ack_bytes(call_id, {{0, 0, AC::Syntax::kNdr32}});
        reply.resize(20);
        break;
      case ResponderMode::kSilent:
        while (!stop_) {
          if (receive_within(s, buf, sizeof(buf), 50) == 0) break;
        }
        break;
      case ResponderMode::kHangUp: break;
    }
    if (!reply.empty()) send_all(s, reply.data(), reply.size());
    close_socket(s);
  }
}

}  // namespace hciattest::activation::testing
