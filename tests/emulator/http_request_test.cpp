#include "emulator/detail/http_request.h"

#include <gtest/gtest.h>

#include <string>

namespace hciattest::emulator::detail {
namespace {

using State = RequestHead::State;

const std::string kGet =
    "GET /metadata/attested/document?api-version=2025-04-07&nonce=1 HTTP/1.1\r\n"
    "Host: 169.254.169.254\r\nMetadata: true\r\n\r\n";

TEST(RequestHead, ReadsAGetWithItsQueryAndLowerCasedHeaders) {
  RequestHead h = read_request_head(kGet + "GET /next");
  ASSERT_EQ(h.state, State::kComplete) << h.reason;
  EXPECT_EQ(h.request.method, "GET");
  EXPECT_EQ(h.request.path, "/metadata/attested/document");
  EXPECT_EQ(h.request.query, "api-version=2025-04-07&nonce=1");
  EXPECT_EQ(h.request.headers.at("metadata"), "true");
  EXPECT_EQ(h.request.headers.at("host"), "169.254.169.254");
  EXPECT_EQ(h.head_bytes, kGet.size());  // the next request's bytes are left alone
  EXPECT_EQ(h.body_bytes, 0u);
  EXPECT_TRUE(h.keep_alive);
}

TEST(RequestHead, NeedsMoreUntilTheBlankLineArrives) {
  for (std::size_t cut = 0; cut < kGet.size(); ++cut) {
    EXPECT_EQ(read_request_head(kGet.substr(0, cut)).state, State::kNeedMore) << cut;
  }
}

TEST(RequestHead, TakesBareLineFeedsAndJoinsRepeatedHeaders) {
  RequestHead h = read_request_head(
      "GET /metadata/versions HTTP/1.0\nMetadata:  true \nX-A: 1\nx-a: 2\nContent-Length: 3\n\n");
  ASSERT_EQ(h.state, State::kComplete) << h.reason;
  EXPECT_EQ(h.request.headers.at("metadata"), "true");
  EXPECT_EQ(h.request.headers.at("x-a"), "1, 2");
  EXPECT_EQ(h.body_bytes, 3u);
  EXPECT_FALSE(h.keep_alive);  // HTTP/1.0
  EXPECT_FALSE(read_request_head(kGet.substr(0, kGet.size() - 2) + "Connection: close\r\n\r\n")
                   .keep_alive);
}

TEST(RequestHead, RefusesEachOverCapPartWithItsStatus) {
  // A request line that never ends: refused once past its cap, not read on.
  EXPECT_EQ(read_request_head("GET /" + std::string(kMaxRequestLineBytes, 'a')).status, 414);
  EXPECT_EQ(read_request_head("GET /" + std::string(kMaxRequestLineBytes, 'a') + " HTTP/1.1\r\n")
                .status,
            414);
  // Headers that never end.
  std::string endless = "GET / HTTP/1.1\r\n";
  while (endless.size() <= kMaxRequestHeadBytes) endless += "X-Filler: " + std::string(100, 'f') + "\r\n";
  RequestHead h = read_request_head(endless);
  EXPECT_EQ(h.state, State::kRejected);
  EXPECT_EQ(h.status, 431);
  // Just under the cap is still a request.
  std::string under = "GET / HTTP/1.1\r\nX-Filler: ";
  under += std::string(kMaxRequestHeadBytes - under.size() - 4, 'f') + "\r\n\r\n";
  ASSERT_EQ(under.size(), kMaxRequestHeadBytes);
  EXPECT_EQ(read_request_head(under).state, State::kComplete);
  // A body announced at 2 GB, refused before any of it is read.
  h = read_request_head("GET / HTTP/1.1\r\nContent-Length: 2147483648\r\n\r\n");
  EXPECT_EQ(h.status, 413);
  EXPECT_NE(h.reason.find("2147483648"), std::string::npos) << h.reason;
  EXPECT_EQ(read_request_head("GET / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n").status, 413);
  EXPECT_EQ(read_request_head("GET / HTTP/1.1\r\nContent-Length: 65536\r\n\r\n").state,
            State::kComplete);
}

TEST(RequestHead, RefusesWhatIsNotAnHttp11Request) {
  const struct {
    const char* bytes;
    int status;
  } kBad[] = {
      {"GET /\r\n\r\n", 400},                                   // HTTP/0.9
      {"\x16\x03\x01\x02\xfc\x03\x03\x9a\x7f\n", 400},  // TLS handshake bytes
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET http://evil/ HTTP/1.1\r\n\r\n", 400},               // proxy form
      {"GET /a\x01 HTTP/1.1\r\n\r\n", 400},
      {"G(T / HTTP/1.1\r\n\r\n", 400},
      {"GET  / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\n folded: value\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
  };
  for (const auto& bad : kBad) {
    RequestHead h = read_request_head(bad.bytes);
    EXPECT_EQ(h.state, State::kRejected) << bad.bytes;
    EXPECT_EQ(h.status, bad.status) << bad.bytes << ": " << h.reason;
    EXPECT_FALSE(h.reason.empty());
  }
}

}  // namespace
}  // namespace hciattest::emulator::detail
