// A stand-in for what may listen on TCP 1688, run by the tests on 127.0.0.1 in a thread: a KMS
// host's RPC runtime (accepts the bind), another RPC server (rejects the interface, or sends a
// bind_nak), something that is not RPC (an HTTP error), a silent peer and one that hangs up. The
// replies are written byte by byte here, from DCE 1.1 (C706) 12.6, not with the code under test.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_socket.h"

namespace hciattest::activation::testing {

// The socket shim, as these tests have always named it (testing::bound_not_listening, ...).
using namespace hciattest::testing;

enum class ResponderMode {
  kKmsAccept,         // bind_ack: context 0 (NDR32) accepted, context 1 (NDR64) rejected
  kKmsAcceptNdr64,    // bind_ack: only NDR64 accepted (a 64-bit RPC runtime may prefer it)
  kRejectInterface,   // bind_ack: both contexts provider-rejected, abstract syntax not supported
  kBindNak,           // bind_nak, reason 4 (protocol version not supported)
  kHttp,              // "HTTP/1.1 400 Bad Request"
  kSilent,            // reads the bind, answers nothing, keeps the connection open
  kHangUp,            // reads the bind and closes
  kWrongCallId,       // a bind_ack for another call
  kTruncated,         // the first 20 bytes of a bind_ack, then close
};

class RpcResponder {
 public:
  explicit RpcResponder(ResponderMode mode);
  ~RpcResponder();
  RpcResponder(const RpcResponder&) = delete;
  RpcResponder& operator=(const RpcResponder&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& error() const { return error_; }
  // The bytes of the first request received (the bind), for the tests to check.
  std::vector<std::uint8_t> received() const;
  int connections() const { return connections_.load(); }

 private:
  void serve();
  ResponderMode mode_;
  SocketHandle listener_ = kNoSocket;
  std::uint16_t port_ = 0;
  std::string error_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::atomic<bool> have_request_{false};
  std::vector<std::uint8_t> request_;
  std::thread thread_;
};

// A Windows-like bind_ack to `call_id` with the given per-context (result, reason, ndr64?) list.
struct AckContext {
  std::uint16_t result;
  std::uint16_t reason;
  enum class Syntax { kNone, kNdr32, kNdr64 } syntax;
};
std::vector<std::uint8_t> bind_ack_bytes(std::uint32_t call_id, const std::vector<AckContext>& ctx);
std::vector<std::uint8_t> bind_nak_bytes(std::uint32_t call_id, std::uint16_t reason);

}  // namespace hciattest::activation::testing
