#include "activation/kms_rpc.h"

#include <gtest/gtest.h>

#include "tests/activation/rpc_responder.h"

namespace hciattest::activation {
namespace {

using testing::AckContext;
using Syntax = testing::AckContext::Syntax;

std::uint16_t u16_at(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | b[at + 1] << 8);
}

TEST(KmsBind, IsAVersion5BindWithTwoContextsAndItsOwnLength) {
  const auto b = make_kms_bind(0x01020304);
  ASSERT_EQ(b.size(), 116u);  // 16 header + 8 + 4 + 2 x (4 + 20 + 20)
  EXPECT_EQ(b[0], 5);
  EXPECT_EQ(b[1], 0);
  EXPECT_EQ(b[2], 11);    // bind
  EXPECT_EQ(b[3], 0x03);  // first and last fragment
  EXPECT_EQ(b[4], 0x10);  // little-endian, ASCII, IEEE
  EXPECT_EQ(u16_at(b, 8), b.size());
  EXPECT_EQ(u16_at(b, 10), 0);  // no authentication
  EXPECT_EQ(b[12], 0x04);
  EXPECT_EQ(b[15], 0x01);
  EXPECT_EQ(b[24], 2);  // n_context_elem
}

TEST(KmsBind, CarriesTheKmsInterfaceUuidInNdrByteOrder) {
  const auto b = make_kms_bind(1);
  // Context 0 starts at 28: p_cont_id (2), n_transfer_syn (1), reserved (1), then the UUID.
  const std::vector<std::uint8_t> kms_wire = {0x75, 0x21, 0xc8, 0x51, 0x4e, 0x84, 0x50, 0x47,
                                              0xb0, 0xd8, 0xec, 0x25, 0x55, 0x55, 0xbc, 0x06};
  EXPECT_EQ(std::vector<std::uint8_t>(b.begin() + 32, b.begin() + 48), kms_wire);
  EXPECT_EQ(u16_at(b, 48), 1);  // interface version 1.0
  EXPECT_EQ(u16_at(b, 50), 0);
  EXPECT_EQ(b[52], 0x04);  // NDR32 8a885d04-... starts 04 5d 88 8a
  EXPECT_EQ(u16_at(b, 68), 2);  // NDR32 version 2
  EXPECT_EQ(u16_at(b, 72), 1);  // context 1
  EXPECT_EQ(b[96], 0x33);  // NDR64 71710533-... starts 33 05 71 71
}

TEST(BindReply, AWindowsLikeAckAcceptingNdr32IsAKmsEndpoint) {
  const auto ack = testing::bind_ack_bytes(1, {{0, 0, Syntax::kNdr32}, {2, 2, Syntax::kNone}});
  const BindReply r = parse_bind_reply(ack, 1);
  EXPECT_EQ(r.outcome, BindOutcome::kKmsAccepted) << r.detail;
  EXPECT_EQ(r.secondary_address, "1688");
  EXPECT_EQ(r.max_xmit_frag, 5840);
  ASSERT_EQ(r.contexts.size(), 2u);
  EXPECT_EQ(r.contexts[0].transfer_syntax, kNdr32Uuid);
  EXPECT_EQ(r.contexts[1].result, 2);
  EXPECT_EQ(r.contexts[1].reason, 2);
}

TEST(BindReply, AcceptingOnlyNdr64IsAKmsEndpointToo) {
  const auto ack = testing::bind_ack_bytes(9, {{2, 2, Syntax::kNone}, {0, 0, Syntax::kNdr64}});
  EXPECT_EQ(parse_bind_reply(ack, 9).outcome, BindOutcome::kKmsAccepted);
}

TEST(BindReply, AnAckThatRejectsEveryContextIsAnotherRpcServer) {
  const auto ack = testing::bind_ack_bytes(1, {{2, 1, Syntax::kNone}, {2, 1, Syntax::kNone}});
  const BindReply r = parse_bind_reply(ack, 1);
  EXPECT_EQ(r.outcome, BindOutcome::kInterfaceRejected);
  EXPECT_EQ(r.contexts.at(0).reason, 1);
}

TEST(BindReply, AnAcceptanceWithAnUnknownTransferSyntaxIsNotTrusted) {
  const auto ack = testing::bind_ack_bytes(1, {{0, 0, Syntax::kNone}});
  EXPECT_EQ(parse_bind_reply(ack, 1).outcome, BindOutcome::kInterfaceRejected);
}

TEST(BindReply, ABindNakCarriesItsReason) {
  const BindReply r = parse_bind_reply(testing::bind_nak_bytes(1, 4), 1);
  EXPECT_EQ(r.outcome, BindOutcome::kBindNak);
  EXPECT_EQ(r.nak_reason, 4);
}

struct Broken {
  const char* name;
  std::vector<std::uint8_t> bytes;
  const char* detail;  // a phrase the reason must contain
};

std::vector<Broken> broken_replies() {
  const auto ack = testing::bind_ack_bytes(1, {{0, 0, Syntax::kNdr32}});
  auto big_endian = ack;
  big_endian[4] = 0x00;
  auto version4 = ack;
  version4[0] = 4;
  auto request = ack;
  request[2] = 0;  // a request PDU
  auto long_frag = ack;
  long_frag[8] = 0xff;
  auto short_frag = ack;
  short_frag[8] = 8;
  short_frag[9] = 0;
  auto cut_results = ack;
  cut_results[8] = static_cast<std::uint8_t>(ack.size() - 10);  // results run past frag_length
  auto many_results = ack;
  many_results[32] = 200;  // n_results (after 16 + 8 + 2 + "1688\0" + 1 pad): far more than the PDU holds
  const std::string http = "HTTP/1.1 400 Bad Request\r\n\r\n";
  return {
      {"empty", {}, "no bytes"},
      {"ten_bytes", std::vector<std::uint8_t>(ack.begin(), ack.begin() + 10), "fewer than"},
      {"http", std::vector<std::uint8_t>(http.begin(), http.end()), "version 5.0"},
      {"version4", version4, "version 5.0"},
      {"big_endian", big_endian, "big-endian"},
      {"other_ptype", request, "packet type 0"},
      {"frag_past_the_end", long_frag, "frag_length"},
      {"frag_below_header", short_frag, "frag_length"},
      {"results_cut", cut_results, "runs past"},
      {"too_many_results", many_results, "runs past"},
      {"wrong_call_id", testing::bind_ack_bytes(2, {{0, 0, Syntax::kNdr32}}), "call_id"},
      {"nak_without_reason",
       std::vector<std::uint8_t>{5, 0, 13, 3, 0x10, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0},
       "without its reason"},
  };
}

class BrokenReply : public ::testing::TestWithParam<Broken> {};

TEST_P(BrokenReply, IsNotRpcWithTheReason) {
  const BindReply r = parse_bind_reply(GetParam().bytes, 1);
  EXPECT_EQ(r.outcome, BindOutcome::kNotRpc);
  EXPECT_NE(r.detail.find(GetParam().detail), std::string::npos) << r.detail;
}

INSTANTIATE_TEST_SUITE_P(Replies, BrokenReply, ::testing::ValuesIn(broken_replies()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(BindReply, EveryPrefixOfAnAckIsRejectedWithoutReadingPastIt) {
  const auto ack = testing::bind_ack_bytes(1, {{0, 0, Syntax::kNdr32}, {2, 2, Syntax::kNone}});
  for (std::size_t n = 0; n < ack.size(); ++n) {
    std::vector<std::uint8_t> prefix(ack.begin(), ack.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(parse_bind_reply(prefix, 1).outcome, BindOutcome::kNotRpc) << n << " bytes";
  }
}

TEST(PduLength, AsksForTheHeaderThenForFragLength) {
  const auto ack = testing::bind_ack_bytes(1, {{0, 0, Syntax::kNdr32}});
  EXPECT_EQ(rpc_pdu_length_needed({}), 16u);
  EXPECT_EQ(rpc_pdu_length_needed(std::vector<std::uint8_t>(ack.begin(), ack.begin() + 15)), 16u);
  EXPECT_EQ(rpc_pdu_length_needed(ack), ack.size());
}

}  // namespace
}  // namespace hciattest::activation
