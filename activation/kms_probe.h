// `hciattest kms probe HOST[:PORT]`: is there a KMS host at that address? Resolve the name, open
// TCP, send one DCE/RPC bind to the KMS interface (kms_rpc.h) and read the answer. No activation
// request is ever sent, so probing changes nothing on either side.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "activation/kms_rpc.h"
#include "activation/kms_target.h"
#include "activation/tcp_exchange.h"

namespace hciattest::activation {

enum class KmsVerdict {
  kKmsEndpoint,  // a bind_ack accepted the KMS interface: a KMS host answered
  kRpcNotKms,    // an RPC server answered, but rejected the KMS interface or the association
  kNotRpc,       // the port is open but what answered is not DCE/RPC
  kNoAnswer,     // connected and sent, but no whole reply came (silent, or closed)
  kUnreachable,  // no TCP connection to any address
  kUnresolved,   // the name did not resolve
};
const char* kms_verdict_id(KmsVerdict v);  // "kms_endpoint", "rpc_not_kms", ...

struct KmsAddressAttempt {
  std::string address;
  ExchangeResult exchange;
  BindReply bind;  // meaningful when exchange.stage == kComplete
};

struct KmsProbeReport {
  KmsTarget target;
  KmsVerdict verdict = KmsVerdict::kUnreachable;
  std::string summary;                   // one sentence
  std::vector<std::string> addresses;    // what the name resolved to (or the address itself)
  std::string resolve_error;
  std::vector<KmsAddressAttempt> attempts;  // in order; the last is the one the verdict is about
  std::vector<std::string> evidence;
  std::string remedy;                    // empty for kKmsEndpoint
};

struct KmsProbeDeps {
  // Name to numeric addresses; error text when it does not resolve. Not called for an address.
  std::function<bool(const std::string& name, std::vector<std::string>& addresses,
                     std::string& error)>
      resolve;
  // Defaults to tcp_exchange.
  std::function<ExchangeResult(const std::string& address, std::uint16_t port,
                               const std::vector<std::uint8_t>& request, const ReplyLength& needed,
                               std::size_t max_reply, std::chrono::milliseconds timeout)>
      exchange;
};

// Tries the resolved addresses in order until one gives a whole reply (at most 4 addresses);
// `timeout` bounds each address. The verdict is the best one reached.
KmsProbeReport probe_kms(const KmsTarget& target, std::chrono::milliseconds timeout,
                         const KmsProbeDeps& deps);

// True when `host` is a numeric IPv4 or (bracket-less) IPv6 address: no resolution needed.
bool is_numeric_address(const KmsTarget& target);

}  // namespace hciattest::activation
