// The cpprestsdk transport against a loopback server, on Linux (asio client) and under Wine
// (WinHTTP): the platform's error codes must land on the same TransportError, and a response cut
// short of its Content-Length must be a reset on both (WinHTTP returns the short body without an
// error; the transport catches it).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "imds/transport.h"
#include "tests/support/loopback_server.h"
#include "tests/support/test_socket.h"

namespace hciattest::imds {
namespace {

using std::chrono::milliseconds;
using testing::CannedResponse;
using testing::LoopbackServer;

HttpResponse get(const std::string& url) {
  Cancellation cancel;
  return make_cpprest_transport()->get(url, {{"Metadata", "true"}}, milliseconds(3000), 65536,
                                       cancel);
}

const std::string kBody = R"({"encoding":"pkcs7","signature":"MIIKgwYJKoZIhvcNAQcCoIIKdDCCCnACAQEx"})";

TEST(CpprestTransport, ReadsAWholeResponse) {
  LoopbackServer server([](const std::string&) { return CannedResponse{200, kBody, {}, {}}; });
  HttpResponse r = get(server.base_url() + "/metadata/attested/document");
  EXPECT_EQ(r.error, TransportError::kNone) << r.error_text;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kBody);
}

TEST(CpprestTransport, ABodyCutShortOfItsContentLengthIsAReset) {
  LoopbackServer server([](const std::string&) {
    CannedResponse r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n"
            "Connection: close\r\n\r\n" + kBody.substr(0, 15);
    return r;
  });
  HttpResponse r = get(server.base_url() + "/metadata/attested/document");
  EXPECT_EQ(r.error, TransportError::kReset) << r.error_text;
  EXPECT_TRUE(r.body.empty());
}

TEST(CpprestTransport, AClosedPortIsRefused) {
  std::uint16_t port = 0;
  std::string error;
  const auto held = testing::bound_not_listening(port, error);
  ASSERT_NE(held, testing::kNoSocket) << error;
  HttpResponse r = get("http://127.0.0.1:" + std::to_string(port) + "/metadata/attested/document");
  testing::close_socket(held);
  EXPECT_EQ(r.error, TransportError::kRefused) << r.error_text;
}

}  // namespace
}  // namespace hciattest::imds
