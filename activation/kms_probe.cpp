#include "activation/kms_probe.h"

#include <algorithm>
#include <cctype>

namespace hciattest::activation {
namespace {

constexpr std::size_t kMaxAddresses = 4;
// A bind_ack is ~100 bytes; Windows caps fragments at 5840. Anything larger is not our answer.
constexpr std::size_t kMaxReply = 8192;
constexpr std::uint32_t kCallId = 1;

// A verdict's rank: a better answer from a later address wins.
int rank(KmsVerdict v) {
  switch (v) {
    case KmsVerdict::kKmsEndpoint: return 5;
    case KmsVerdict::kRpcNotKms: return 4;
    case KmsVerdict::kNotRpc: return 3;
    case KmsVerdict::kNoAnswer: return 2;
    case KmsVerdict::kUnreachable: return 1;
    case KmsVerdict::kUnresolved: return 0;
  }
  return 0;
}

KmsVerdict verdict_of(const KmsAddressAttempt& a) {
  switch (a.exchange.stage) {
    case ExchangeStage::kConnect: return KmsVerdict::kUnreachable;
    case ExchangeStage::kSend: return KmsVerdict::kNoAnswer;
    case ExchangeStage::kReceive:
      // A reply cut short that cannot even begin an RPC header (an HTTP error page, a banner) is
      // "not RPC"; one that could be the start of an RPC PDU is "no answer".
      return !a.exchange.reply.empty() && a.exchange.reply[0] != 5 ? KmsVerdict::kNotRpc
                                                                  : KmsVerdict::kNoAnswer;
    case ExchangeStage::kComplete: break;
  }
  switch (a.bind.outcome) {
    case BindOutcome::kKmsAccepted: return KmsVerdict::kKmsEndpoint;
    case BindOutcome::kInterfaceRejected:
    case BindOutcome::kBindNak: return KmsVerdict::kRpcNotKms;
    case BindOutcome::kNotRpc: return KmsVerdict::kNotRpc;
  }
  return KmsVerdict::kNotRpc;
}

std::string printable_prefix(const std::vector<std::uint8_t>& b) {
  std::string s;
  for (std::size_t i = 0; i < b.size() && i < 32; ++i) {
    const char c = static_cast<char>(b[i]);
    s += std::isprint(static_cast<unsigned char>(c)) ? c : '.';
  }
  return s;
}

std::string attempt_evidence(const KmsAddressAttempt& a, std::uint16_t port) {
  const std::string where = a.address + ":" + std::to_string(port);
  const ExchangeResult& x = a.exchange;
  if (x.stage == ExchangeStage::kConnect) return where + ": " + x.error;
  std::string e = where + ": TCP connected in " + std::to_string(x.connect_ms) + " ms";
  if (x.stage == ExchangeStage::kSend) return e + "; " + x.error;
  e += "; bind sent";
  if (x.stage == ExchangeStage::kReceive) {
    e += "; " + x.error;
    if (!x.reply.empty()) e += "; first bytes \"" + printable_prefix(x.reply) + "\"";
    return e;
  }
  e += "; " + std::to_string(x.reply.size()) + "-byte reply in " + std::to_string(x.total_ms) +
       " ms: " + a.bind.detail;
  for (std::size_t i = 0; i < a.bind.contexts.size(); ++i) {
    const ContextResult& c = a.bind.contexts[i];
    e += "; context " + std::to_string(i) + " result " + std::to_string(c.result) +
         (c.result == 0 ? " (accepted, " + c.transfer_syntax + ")"
                        : " reason " + std::to_string(c.reason));
  }
  if (a.bind.outcome == BindOutcome::kNotRpc && !x.reply.empty()) {
    e += "; first bytes \"" + printable_prefix(x.reply) + "\"";
  }
  return e;
}

void describe(KmsProbeReport& r) {
  const std::string t = r.target.text();
  switch (r.verdict) {
    case KmsVerdict::kKmsEndpoint:
      r.summary = t + " is a KMS host: it accepted a DCE/RPC bind to the KMS interface";
      break;
    case KmsVerdict::kRpcNotKms:
      r.summary = t + " speaks DCE/RPC but refused the KMS interface: not a KMS host";
      r.remedy = "point the VM at its cloud's KMS host (hciattest activate --plan shows it; "
                 "Azure: azkms.core.windows.net:1688, AWS: 169.254.169.250:1688)";
      break;
    case KmsVerdict::kNotRpc:
      r.summary = t + " accepts TCP but what answered is not DCE/RPC: not a KMS host";
      r.remedy = "something else listens on that port (a proxy, a firewall page, another "
                 "service): check the host and port, and for Azure any forced-tunnelling appliance";
      break;
    case KmsVerdict::kNoAnswer:
      r.summary = t + " accepts TCP but sent no whole answer to the RPC bind";
      r.remedy = "a firewall or proxy that accepts and then holds or drops the connection is in "
                 "the way; a KMS host answers a bind at once";
      break;
    case KmsVerdict::kUnreachable:
      r.summary = t + " does not accept TCP connections";
      r.remedy = "open TCP " + std::to_string(r.target.port) +
                 " outbound to it. Azure KMS answers only sources inside Azure (with forced "
                 "tunnelling add /32 routes with next hop Internet); on AWS the route to "
                 "169.254.169.250/.251 must go through the subnet gateway (hciattest doctor)";
      break;
    case KmsVerdict::kUnresolved:
      r.summary = "cannot resolve " + r.target.host;
      r.remedy = "the VM's DNS must resolve " + r.target.host +
                 " (Azure-provided DNS does; custom DNS servers must forward it)";
      break;
  }
}

}  // namespace

const char* kms_verdict_id(KmsVerdict v) {
  switch (v) {
    case KmsVerdict::kKmsEndpoint: return "kms_endpoint";
    case KmsVerdict::kRpcNotKms: return "rpc_not_kms";
    case KmsVerdict::kNotRpc: return "not_rpc";
    case KmsVerdict::kNoAnswer: return "no_answer";
    case KmsVerdict::kUnreachable: return "unreachable";
    case KmsVerdict::kUnresolved: return "unresolved";
  }
  return "unreachable";
}

bool is_numeric_address(const KmsTarget& target) {
  if (target.ipv6) return true;
  const std::string& h = target.host;
  return !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
}

KmsProbeReport probe_kms(const KmsTarget& target, std::chrono::milliseconds timeout,
                         const KmsProbeDeps& deps) {
  KmsProbeReport r;
  r.target = target;
  if (is_numeric_address(target)) {
    r.addresses = {target.host};
  } else {
    std::string error;
    if (!deps.resolve || !deps.resolve(target.host, r.addresses, error) || r.addresses.empty()) {
      r.resolve_error = error.empty() ? target.host + " resolves to no address" : error;
      r.verdict = KmsVerdict::kUnresolved;
      r.evidence.push_back(r.resolve_error);
      describe(r);
      return r;
    }
    std::string list;
    for (const auto& a : r.addresses) list += (list.empty() ? "" : ", ") + a;
    r.evidence.push_back(target.host + " resolves to " + list);
  }
  const auto exchange = deps.exchange ? deps.exchange : tcp_exchange;
  const std::vector<std::uint8_t> bind = make_kms_bind(kCallId);
  r.verdict = KmsVerdict::kUnreachable;
  for (std::size_t i = 0; i < r.addresses.size() && i < kMaxAddresses; ++i) {
    KmsAddressAttempt a;
    a.address = r.addresses[i];
    a.exchange = exchange(a.address, target.port, bind, rpc_pdu_length_needed, kMaxReply, timeout);
    if (!a.exchange.reply.empty()) a.bind = parse_bind_reply(a.exchange.reply, kCallId);
    const KmsVerdict v = verdict_of(a);
    r.evidence.push_back(attempt_evidence(a, target.port));
    r.attempts.push_back(std::move(a));
    if (rank(v) > rank(r.verdict)) r.verdict = v;
    if (v == KmsVerdict::kKmsEndpoint) break;
  }
  describe(r);
  return r;
}

}  // namespace hciattest::activation
