#include "activation/kms_rpc.h"

#include <array>
#include <cstdio>

namespace hciattest::activation {
namespace {

// C706 12.6.3: the common header of connection-oriented PDUs.
constexpr std::uint8_t kRpcVersion = 5;
constexpr std::uint8_t kRpcVersionMinor = 0;
constexpr std::uint8_t kPtypeBind = 11;
constexpr std::uint8_t kPtypeBindAck = 12;
constexpr std::uint8_t kPtypeBindNak = 13;
constexpr std::uint8_t kPfcFirstLast = 0x03;
constexpr std::size_t kHeaderLength = 16;
// Windows' own default fragment sizes (MS-RPCE 3.3.1.5.1: at least 5840 is what it sends).
constexpr std::uint16_t kMaxFrag = 5840;

struct Uuid {
  std::array<std::uint8_t, 16> wire{};  // NDR little-endian: time_low, time_mid, time_hi LE
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Our own constants only: a malformed one is a programming error caught by the unit tests.
Uuid uuid_from_text(const char* text) {
  std::array<std::uint8_t, 16> be{};
  std::size_t n = 0;
  for (const char* p = text; *p != '\0' && n < 16; ++p) {
    if (*p == '-') continue;
    be[n++] = static_cast<std::uint8_t>(hex_value(p[0]) << 4 | hex_value(p[1]));
    ++p;
  }
  Uuid u;
  u.wire = be;
  // time_low (4), time_mid (2), time_hi_and_version (2) are integers: little-endian on the wire.
  std::swap(u.wire[0], u.wire[3]);
  std::swap(u.wire[1], u.wire[2]);
  std::swap(u.wire[4], u.wire[5]);
  std::swap(u.wire[6], u.wire[7]);
  return u;
}

std::string uuid_text(const std::uint8_t* w) {
  char s[37];
  std::snprintf(s, sizeof(s),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", w[3], w[2],
                w[1], w[0], w[5], w[4], w[7], w[6], w[8], w[9], w[10], w[11], w[12], w[13], w[14],
                w[15]);
  return s;
}

void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v));
  put16(b, static_cast<std::uint16_t>(v >> 16));
}

void put_syntax(std::vector<std::uint8_t>& b, const char* uuid, std::uint16_t major,
                std::uint16_t minor) {
  const Uuid u = uuid_from_text(uuid);
  b.insert(b.end(), u.wire.begin(), u.wire.end());
  put16(b, major);
  put16(b, minor);
}

// Bounds-checked little-endian reads over the reply.
class Reader {
 public:
  Reader(const std::vector<std::uint8_t>& b, std::size_t end) : b_(b), end_(end) {}
  bool u8(std::uint8_t& v) {
    if (pos_ + 1 > end_) return false;
    v = b_[pos_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    if (pos_ + 2 > end_) return false;
    v = static_cast<std::uint16_t>(b_[pos_] | b_[pos_ + 1] << 8);
    pos_ += 2;
    return true;
  }
  bool u32(std::uint32_t& v) {
    std::uint16_t lo = 0, hi = 0;
    if (!u16(lo) || !u16(hi)) return false;
    v = static_cast<std::uint32_t>(lo) | static_cast<std::uint32_t>(hi) << 16;
    return true;
  }
  bool bytes(std::size_t n, const std::uint8_t*& p) {
    if (n > end_ - pos_) return false;
    p = b_.data() + pos_;
    pos_ += n;
    return true;
  }
  bool align4() {
    const std::size_t aligned = (pos_ + 3) & ~std::size_t{3};
    if (aligned > end_) return false;
    pos_ = aligned;
    return true;
  }

 private:
  const std::vector<std::uint8_t>& b_;
  std::size_t end_;
  std::size_t pos_ = 0;
};

BindReply not_rpc(std::string why) {
  BindReply r;
  r.outcome = BindOutcome::kNotRpc;
  r.detail = std::move(why);
  return r;
}

void read_bind_ack(Reader& in, BindReply& r) {
  std::uint32_t assoc_group = 0;
  std::uint16_t port_len = 0;
  if (!in.u16(r.max_xmit_frag) || !in.u16(r.max_recv_frag) || !in.u32(assoc_group) ||
      !in.u16(port_len)) {
    r = not_rpc("bind_ack cut short before its secondary address");
    return;
  }
  const std::uint8_t* port = nullptr;
  if (!in.bytes(port_len, port) || !in.align4()) {
    r = not_rpc("bind_ack's secondary address runs past the PDU");
    return;
  }
  r.secondary_address.assign(reinterpret_cast<const char*>(port), port_len);
  while (!r.secondary_address.empty() && r.secondary_address.back() == '\0') {
    r.secondary_address.pop_back();
  }
  std::uint8_t n = 0, reserved8 = 0;
  std::uint16_t reserved16 = 0;
  if (!in.u8(n) || !in.u8(reserved8) || !in.u16(reserved16)) {
    r = not_rpc("bind_ack cut short before its result list");
    return;
  }
  for (std::uint8_t i = 0; i < n; ++i) {
    ContextResult c;
    const std::uint8_t* syntax = nullptr;
    std::uint32_t version = 0;
    if (!in.u16(c.result) || !in.u16(c.reason) || !in.bytes(16, syntax) || !in.u32(version)) {
      r = not_rpc("bind_ack's result list runs past the PDU (" + std::to_string(n) + " results)");
      return;
    }
    c.transfer_syntax = uuid_text(syntax);
    r.contexts.push_back(std::move(c));
  }
  bool accepted = false;
  for (const auto& c : r.contexts) {
    if (c.result == 0 && (c.transfer_syntax == kNdr32Uuid || c.transfer_syntax == kNdr64Uuid)) {
      accepted = true;
    }
  }
  r.outcome = accepted ? BindOutcome::kKmsAccepted : BindOutcome::kInterfaceRejected;
  r.detail = accepted ? "bind_ack accepted the KMS interface"
                      : "bind_ack rejected every presentation context (" +
                            std::to_string(r.contexts.size()) + " results)";
}

}  // namespace

std::vector<std::uint8_t> make_kms_bind(std::uint32_t call_id) {
  std::vector<std::uint8_t> b = {kRpcVersion, kRpcVersionMinor, kPtypeBind, kPfcFirstLast,
                                 0x10,        0x00,             0x00,       0x00};
  put16(b, 0);  // frag_length, set below
  put16(b, 0);  // auth_length
  put32(b, call_id);
  put16(b, kMaxFrag);  // max_xmit_frag
  put16(b, kMaxFrag);  // max_recv_frag
  put32(b, 0);         // assoc_group_id: a new association
  b.push_back(2);      // n_context_elem
  b.push_back(0);
  put16(b, 0);
  const struct {
    const char* uuid;
    std::uint16_t major;
  } kTransfer[] = {{kNdr32Uuid, 2}, {kNdr64Uuid, 1}};
  std::uint16_t id = 0;
  for (const auto& t : kTransfer) {
    put16(b, id++);  // p_cont_id
    b.push_back(1);  // n_transfer_syn
    b.push_back(0);
    put_syntax(b, kKmsInterfaceUuid, 1, 0);
    put_syntax(b, t.uuid, t.major, 0);
  }
  b[8] = static_cast<std::uint8_t>(b.size());
  b[9] = static_cast<std::uint8_t>(b.size() >> 8);
  return b;
}

std::size_t rpc_pdu_length_needed(const std::vector<std::uint8_t>& reply) {
  if (reply.size() < kHeaderLength) return kHeaderLength;
  const std::size_t frag = reply[8] | reply[9] << 8;
  return frag < kHeaderLength ? kHeaderLength : frag;
}

BindReply parse_bind_reply(const std::vector<std::uint8_t>& reply, std::uint32_t call_id) {
  if (reply.empty()) return not_rpc("no bytes were answered");
  if (reply.size() < kHeaderLength) {
    return not_rpc(std::to_string(reply.size()) + " bytes, fewer than an RPC header's 16");
  }
  if (reply[0] != kRpcVersion || reply[1] != kRpcVersionMinor) {
    return not_rpc("not DCE/RPC version 5.0 (first bytes " + std::to_string(reply[0]) + "." +
                   std::to_string(reply[1]) + ")");
  }
  if ((reply[4] & 0xf0) != 0x10) {
    return not_rpc("big-endian data representation: not what a Windows KMS host answers");
  }
  const std::size_t frag = reply[8] | reply[9] << 8;
  if (frag < kHeaderLength || frag > reply.size()) {
    return not_rpc("frag_length " + std::to_string(frag) + " does not fit the " +
                   std::to_string(reply.size()) + " bytes received");
  }
  Reader in(reply, frag);
  const std::uint8_t* header = nullptr;
  in.bytes(12, header);
  std::uint32_t got_call = 0;
  in.u32(got_call);
  if (got_call != call_id) {
    return not_rpc("call_id " + std::to_string(got_call) + " answers another request than ours (" +
                   std::to_string(call_id) + ")");
  }
  BindReply r;
  r.ptype = reply[2];
  if (r.ptype == kPtypeBindAck) {
    read_bind_ack(in, r);
    if (r.outcome != BindOutcome::kNotRpc) r.ptype = kPtypeBindAck;
    return r;
  }
  if (r.ptype == kPtypeBindNak) {
    if (!in.u16(r.nak_reason)) return not_rpc("bind_nak without its reason");
    r.outcome = BindOutcome::kBindNak;
    r.detail = "bind_nak, provider_reject_reason " + std::to_string(r.nak_reason);
    return r;
  }
  return not_rpc("RPC packet type " + std::to_string(r.ptype) +
                 " where a bind_ack (12) or bind_nak (13) belongs");
}

const char* bind_outcome_id(BindOutcome o) {
  switch (o) {
    case BindOutcome::kKmsAccepted: return "kms_accepted";
    case BindOutcome::kInterfaceRejected: return "interface_rejected";
    case BindOutcome::kBindNak: return "bind_nak";
    case BindOutcome::kNotRpc: return "not_rpc";
  }
  return "not_rpc";
}

}  // namespace hciattest::activation
