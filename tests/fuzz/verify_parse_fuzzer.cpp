// libFuzzer target over the attested document's structure only: the envelope (DER, the IMDS JSON
// body, bare base64), the SignedData view, the embedded certificates and the payload, with no
// signature check and no chain, so that the structure is explored at thousands of executions per
// second (verify_fuzzer runs the whole path at a few hundred). Besides what AddressSanitizer and
// UBSan catch, it abort()s when:
//   - a fast path disagrees with its reference (structure_checks.h): base64, the parser-free
//     envelope reading, the payload reader, and for an eighth of the inputs the SignedData view
//     against OpenSSL's PKCS7 parser;
//   - parse_signed_data with the IssuerAndSerialNumber cache warm from earlier inputs says
//     anything else than without it;
//   - embedded_certificates (what doctor hands to Windows' chain engine) finds another number of
//     certificates than the SignedData view, or leaves an error on OpenSSL's queue (found: a
//     certificate d2i_X509 refused did);
// The certificates themselves are left as DER, as the verifier leaves them until the chain.
//   - parsing leaves an error on OpenSSL's error queue.
// Seeds: make_seeds verify (as verify_fuzzer's); run: scripts/fuzz.
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/detail/openssl_util.h"
#include "attest/detail/signed_data.h"
#include "attest/embedded_certificates.h"
#include "attest/envelope.h"
#include "tests/fuzz/structure_checks.h"

namespace hciattest {
namespace {

using attest::ErrorCode;
using fuzzing::disagree;

attest::detail::SignerIdCache& warm_ids() {
  static attest::detail::SignerIdCache ids;
  return ids;
}

void check_structure(std::string_view input) {
  const attest::EnvelopeResult env =
      attest::decode_envelope(input, attest::kDefaultMaxDocumentBytes, fuzzing::kNonceMember);
  if (env.code != ErrorCode::kOk) {
    if (env.message.empty()) disagree("decode_envelope refused without saying why");
    return;
  }
  attest::detail::ParsedSignedData cold, warm;
  const attest::detail::Outcome a = attest::detail::parse_signed_data(env.der, cold);
  const attest::detail::Outcome b = attest::detail::parse_signed_data(env.der, warm, &warm_ids());
  if (a.code != b.code || a.message != b.message) {
    disagree("parse_signed_data differs with the signer-id cache", a.message + " / " + b.message);
  }
  if (a.code != ErrorCode::kOk) {
    if (a.message.empty()) disagree("parse_signed_data refused without saying why");
    return;
  }
  if (cold.content != warm.content || cold.certificates != warm.certificates) {
    disagree("parse_signed_data read other bytes with the signer-id cache");
  }
  fuzzing::check_payload(cold.content);
  // Decoding a certificate costs most of a millisecond (OpenSSL decodes its key): what decodes
  // certificates is checked for a fixed eighth of the inputs, chosen by their hash, so that the
  // structure is explored fast; verify_fuzzer compares every input that verifies this far.
  if (std::hash<std::string_view>{}(input) % 8 != 0) return;
  if (attest::embedded_certificates(input).size() != cold.certificates.size()) {
    disagree("embedded_certificates found another number of certificates than the SignedData view");
  }
  if (ERR_peek_error() != 0) {
    disagree("embedded_certificates left an error on OpenSSL's queue",
             attest::detail::drain_openssl_errors());
  }
  const attest::detail::Pkcs7Ptr p7 = fuzzing::openssl_signed_data(env.der);
  if (!p7) return;
  fuzzing::compare_parse(cold, p7.get());
}

}  // namespace
}  // namespace hciattest

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hciattest;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzzing::check_base64(fuzzing::trim(input));
  fuzzing::check_envelope_body(input);
  fuzzing::check_payload(input);
  check_structure(input);
  if (ERR_peek_error() != 0) {
    fuzzing::disagree("parsing left an error on OpenSSL's queue", attest::detail::drain_openssl_errors());
  }
  return 0;
}
