// libFuzzer target over the whole attested-document path (envelope, SignedData, signature, chain
// to a fixed test root, signer policy, payload) through attest::Verifier with its caches on.
// Besides what AddressSanitizer and UBSan catch, it abort()s when:
//   - a fast path disagrees with its reference: the one-shot base64 decoder with OpenSSL's
//     streaming decoder, the parser-free envelope reading with nlohmann::json (a batch line's
//     "expected_nonce" too), the SignedData view with OpenSSL's full PKCS7 parser, the
//     single-pass payload reader with lookups in nlohmann's parsed tree (over the input and
//     over every signed content that parses);
//   - the signature verdict disagrees with OpenSSL's PKCS7_verify (PKCS7_NOVERIFY) where both
//     give one (check_signature lists the legitimate differences);
//   - a verifier warm from earlier inputs reports anything else than a fresh one without caches;
//   - a verification leaves an error on OpenSSL's error queue.
// Seeds: make_seeds (same directory); run: scripts/fuzz SECONDS.
#include <openssl/err.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "attest/detail/base64.h"
#include "attest/detail/envelope_body.h"
#include "attest/detail/signed_data.h"
#include "attest/envelope.h"
#include "attest/verifier.h"
#include "tests/fuzz/fuzz_pki.h"
#include "tests/fuzz/structure_checks.h"
#include "tests/support/payload_reference.h"

namespace hciattest {
namespace {

using fuzzing::check_base64;
using fuzzing::check_envelope_body;
using fuzzing::check_payload;
using fuzzing::compare_parse;
using fuzzing::disagree;
using fuzzing::kNonceMember;
using fuzzing::openssl_signed_data;
using fuzzing::trim;

using attest::CheckResult;
using attest::CheckStatus;
using attest::ErrorCode;
using attest::VerificationReport;

attest::VerifyOptions options(bool cache) {
  attest::VerifyOptions o;
  o.time = testing::kTestNow;
  o.expected_nonce = fuzzing::kNonce;
  o.nonce_member = kNonceMember;
  o.cache = cache;
  return o;
}

std::shared_ptr<attest::TrustStore> make_trust() {
  auto trust = std::make_shared<attest::TrustStore>();
  if (!trust->add_anchors_pem(fuzzing::fixed_root().pem(), "fuzz-root.pem").ok) {
    disagree("the fixed fuzz root does not load");
  }
  return trust;
}

struct Harness {
  std::shared_ptr<attest::TrustStore> trust = make_trust();
  attest::Verifier cached{trust, options(true)};
};

Harness& harness() {
  static Harness h;
  return h;
}

const CheckResult& check(const VerificationReport& r, std::string_view id) {
  for (const auto& c : r.checks) {
    if (c.id == id) return c;
  }
  disagree("a report lacks a check", std::string(id));
}

void check_signature(std::string_view input, const VerificationReport& report) {
  if (check(report, "structure").status != CheckStatus::kPass) return;
  const CheckResult& sig = check(report, "signature");
  const attest::EnvelopeResult env = attest::decode_envelope(input);
  attest::detail::ParsedSignedData ours;
  if (env.code != ErrorCode::kOk ||
      attest::detail::parse_signed_data(env.der, ours).code != ErrorCode::kOk) {
    disagree("the structure passed in the verifier but does not parse again");
  }
  const attest::detail::Pkcs7Ptr p7 = openssl_signed_data(env.der);
  if (!p7) return;
  compare_parse(ours, p7.get());

  const bool ours_valid = sig.status == CheckStatus::kPass;
  const bool ours_invalid =
      sig.status == CheckStatus::kFail && sig.code == ErrorCode::kSignatureInvalid;
  if (!ours_valid && !ours_invalid) return;
  ERR_clear_error();
  attest::detail::BioPtr sink(BIO_new(BIO_s_null()));
  const int rc =
      PKCS7_verify(p7.get(), nullptr, nullptr, nullptr, sink.get(), PKCS7_NOVERIFY | PKCS7_BINARY);
  int signature_failures = 0;
  bool digest_failure = false;
  std::string errors;
  for (unsigned long e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    if (ERR_GET_LIB(e) == ERR_LIB_PKCS7 && ERR_GET_REASON(e) == PKCS7_R_SIGNATURE_FAILURE) {
      ++signature_failures;
    }
    if (ERR_GET_LIB(e) == ERR_LIB_PKCS7 && ERR_GET_REASON(e) == PKCS7_R_DIGEST_FAILURE) {
      digest_failure = true;
    }
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    errors += std::string(errors.empty() ? "" : "; ") + buf;
  }
  const bool openssl_invalid = rc != 1 && (digest_failure || signature_failures >= 2);
  if (ours_valid && openssl_invalid) {
    disagree("the verifier accepts a signature that PKCS7_verify rejects", errors);
  }
  if (ours_invalid && rc == 1) {
    disagree("the verifier rejects a signature that PKCS7_verify accepts", sig.message);
  }
}

// A verifier warm from earlier inputs must report what a fresh one without caches reports. A
// fresh verifier decodes every certificate (the slow part), so a fixed quarter of the inputs,
// chosen by their hash, is compared.
void check_cache(std::string_view input, const VerificationReport& warm) {
  if (std::hash<std::string_view>{}(input) % 4 != 0) return;
  attest::Verifier fresh(harness().trust, options(false));
  const VerificationReport cold = fresh.verify(input);
  if (cold.verified != warm.verified || cold.code != warm.code || cold.message != warm.message ||
      cold.checks.size() != warm.checks.size() || cold.chain.size() != warm.chain.size() ||
      (cold.signer != nullptr) != (warm.signer != nullptr)) {
    disagree("a warm verifier's report differs from a fresh one's",
             "warm: " + warm.message + " / fresh: " + cold.message);
  }
  for (size_t i = 0; i < cold.checks.size(); ++i) {
    const CheckResult& a = cold.checks[i];
    const CheckResult& b = warm.checks[i];
    if (a.id != b.id || a.status != b.status || a.code != b.code || a.message != b.message) {
      disagree("a warm verifier's check differs from a fresh one's",
               std::string(a.id) + ": warm \"" + b.message + "\" / fresh \"" + a.message + "\"");
    }
  }
}

}  // namespace
}  // namespace hciattest

// Set up before the first input, so that what loading the root leaves on OpenSSL's error queue
// (the PEM decoder's attempts) is not blamed on that input.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  hciattest::harness();
  ERR_clear_error();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hciattest;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const attest::VerificationReport report = harness().cached.verify(input);
  if (ERR_peek_error() != 0) {
    disagree("verify left an error on OpenSSL's queue", attest::detail::drain_openssl_errors());
  }
  check_base64(trim(input));
  check_envelope_body(input);
  check_payload(input);
  if (report.payload) check_payload(report.payload->text);
  check_signature(input, report);
  check_cache(input, report);
  return 0;
}
