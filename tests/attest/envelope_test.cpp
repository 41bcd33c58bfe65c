#include "attest/envelope.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hciattest::attest {
namespace {

TEST(Envelope, ReadsTheImdsJsonBody) {
  auto r = decode_envelope(R"({"encoding":"pkcs7","signature":"MIIBAgM="})");
  EXPECT_EQ(r.code, ErrorCode::kOk) << r.message;
  EXPECT_EQ(r.form, "json");
  EXPECT_EQ(r.der, (std::vector<unsigned char>{0x30, 0x82, 0x01, 0x02, 0x03}));
}

TEST(Envelope, ReadsABareBase64SignatureWithLineBreaks) {
  auto r = decode_envelope("  MIIB\nAgM=\n");
  EXPECT_EQ(r.code, ErrorCode::kOk) << r.message;
  EXPECT_EQ(r.form, "base64");
  EXPECT_EQ(r.der.size(), 5u);
}

TEST(Envelope, PassesDerThrough) {
  std::string der("\x30\x03\x02\x01\x01", 5);
  auto r = decode_envelope(der);
  EXPECT_EQ(r.code, ErrorCode::kOk);
  EXPECT_EQ(r.form, "der");
}

TEST(Envelope, ReadsTheBodyWithMembersReversedAndWhitespace) {
  auto r = decode_envelope(" {\n \"signature\" : \"MIIBAgM=\" ,\t\"encoding\":\"pkcs7\" }\r\n");
  EXPECT_EQ(r.code, ErrorCode::kOk) << r.message;
  EXPECT_EQ(r.form, "json");
  EXPECT_EQ(r.der, (std::vector<unsigned char>{0x30, 0x82, 0x01, 0x02, 0x03}));
}

TEST(Envelope, ReadsEscapesAndExtraMembersThroughTheJsonParser) {
  auto r = decode_envelope(R"({"encoding":"pkcs7","extra":[1],"signature":"MIIB\/gM="})");
  EXPECT_EQ(r.code, ErrorCode::kOk) << r.message;
  EXPECT_EQ(r.der, (std::vector<unsigned char>{0x30, 0x82, 0x01, 0xfe, 0x03}));
}

// A batch line: the body plus the nonce the relying party sent, read wherever the member is, in
// the scanner's forms and in the parser's (escapes, repetition, other types), with the same
// answer as a lookup in nlohmann's tree.
TEST(Envelope, ReadsTheNonceMemberOfABatchLine) {
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {R"({"expected_nonce":"n1","encoding":"pkcs7","signature":"MIIBAgM="})", "n1"},
      {R"({"encoding":"pkcs7","expected_nonce":"n2","signature":"MIIBAgM="})", "n2"},
      {R"({"encoding":"pkcs7","signature":"MIIBAgM=", "expected_nonce" : "n 3"})", "n 3"},
      {R"({"encoding":"pkcs7","signature":"MIIBAgM="})", std::nullopt},
      {R"({"encoding":"pkcs7","signature":"MIIBAgM=","expected_nonce":"a\/b"})", "a/b"},
      {R"({"encoding":"pkcs7","signature":"MIIBAgM=","expected_nonce":"esc"})", "esc"},
      {R"({"expected_nonce":"old","encoding":"pkcs7","signature":"MIIBAgM=","expected_nonce":"new"})",
       "new"},
      {R"({"encoding":"pkcs7","signature":"MIIBAgM=","expected_nonce":7})", std::nullopt},
      {R"({"encoding":"pkcs7","signature":"MIIBAgM=","expected_nonce":"café"})", "caf\xc3\xa9"},
      {R"({"encoding":"pkcs7","signature":"MIIB\/gM=","expected_nonce":"n9"})", "n9"},
      {R"({"encoding":"pkcs7","signature":"MIIBAgM=","expected_nonce":"n10","other":1})", "n10"},
  };
  for (const auto& [body, want] : cases) {
    auto r = decode_envelope(body, kDefaultMaxDocumentBytes, "expected_nonce");
    EXPECT_EQ(r.code, ErrorCode::kOk) << body << ": " << r.message;
    EXPECT_EQ(r.body_nonce, want) << body;
    const auto tree = nlohmann::json::parse(body);
    const auto it = tree.find("expected_nonce");
    EXPECT_EQ(r.body_nonce.has_value(), it != tree.end() && it->is_string()) << body;
    // Without a nonce member nothing is read, and the DER is the same.
    auto plain = decode_envelope(body);
    EXPECT_FALSE(plain.body_nonce.has_value()) << body;
    EXPECT_EQ(plain.der, r.der) << body;
  }
}

TEST(Envelope, ANonceMemberThatIsNotJsonFailsLikeTheRestOfTheBody) {
  // A raw control character in the nonce: the scanner leaves it to the parser, which refuses it.
  auto r = decode_envelope("{\"encoding\":\"pkcs7\",\"signature\":\"MIIBAgM=\",\"expected_nonce\":\"a\tb\"}",
                           kDefaultMaxDocumentBytes, "expected_nonce");
  EXPECT_EQ(r.code, ErrorCode::kEnvelopeNotJson) << r.message;
  EXPECT_FALSE(r.body_nonce.has_value());
}

TEST(Envelope, RejectsARawLineBreakInsideTheJsonSignatureString) {
  // Base64 allows line breaks, JSON strings do not: the body is not JSON.
  auto r = decode_envelope("{\"encoding\":\"pkcs7\",\"signature\":\"MIIB\nAgM=\"}");
  EXPECT_EQ(r.code, ErrorCode::kEnvelopeNotJson) << r.message;
}

TEST(Envelope, DecodesPaddingLikeOpenSslIgnoringTheUnusedBits) {
  // "QR==" carries bits below the one output byte; OpenSSL ignores them, and so does the
  // one-shot decoder.
  EXPECT_EQ(decode_envelope("QR==").der, (std::vector<unsigned char>{'A'}));
  EXPECT_EQ(decode_envelope("QUJD").der, (std::vector<unsigned char>{'A', 'B', 'C'}));
  EXPECT_EQ(decode_envelope("QUI=").der, (std::vector<unsigned char>{'A', 'B'}));
}

struct Bad {
  const char* name;
  std::string input;
  ErrorCode code;
};

class EnvelopeRejects : public ::testing::TestWithParam<Bad> {};

TEST_P(EnvelopeRejects, WithItsOwnCode) {
  auto r = decode_envelope(GetParam().input, 1024);
  EXPECT_EQ(r.code, GetParam().code) << r.message;
  EXPECT_FALSE(r.message.empty());
  EXPECT_TRUE(r.der.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EnvelopeRejects,
    ::testing::Values(
        Bad{"empty", "", ErrorCode::kEnvelopeEmpty},
        Bad{"blank", " \n\t ", ErrorCode::kEnvelopeEmpty},
        Bad{"oversized", std::string(1025, 'A'), ErrorCode::kEnvelopeTooLarge},
        Bad{"broken_json", R"({"encoding":"pkcs7",)", ErrorCode::kEnvelopeNotJson},
        Bad{"wrong_encoding", R"({"encoding":"cms","signature":"MIIB"})",
            ErrorCode::kEnvelopeBadEncoding},
        Bad{"no_encoding", R"({"signature":"MIIB"})", ErrorCode::kEnvelopeBadEncoding},
        Bad{"numeric_signature", R"({"encoding":"pkcs7","signature":5})",
            ErrorCode::kEnvelopeMissingSignature},
        Bad{"bad_base64_char", R"({"encoding":"pkcs7","signature":"MI!B"})",
            ErrorCode::kEnvelopeBadBase64},
        Bad{"data_after_padding", "MIIBAgM=QUFB", ErrorCode::kEnvelopeBadBase64},
        Bad{"json_data_after_padding", R"({"encoding":"pkcs7","signature":"MIIBAgM=QUFB"})",
            ErrorCode::kEnvelopeBadBase64},
        Bad{"json_padding_only", R"({"encoding":"pkcs7","signature":"===="})",
            ErrorCode::kEnvelopeBadBase64},
        Bad{"json_empty_signature", R"({"encoding":"pkcs7","signature":""})",
            ErrorCode::kEnvelopeBadBase64},
        Bad{"json_trailing_text", R"({"encoding":"pkcs7","signature":"MIIBAgM="} x)",
            ErrorCode::kEnvelopeNotJson},
        Bad{"bare_garbage", "not a document", ErrorCode::kEnvelopeBadBase64}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace hciattest::attest
