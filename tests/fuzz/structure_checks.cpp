#include "tests/fuzz/structure_checks.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/detail/base64.h"
#include "attest/detail/envelope_body.h"
#include "attest/payload.h"
#include "tests/support/payload_reference.h"

namespace hciattest::fuzzing {

void disagree(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzzer: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}


std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

void check_base64(std::string_view text) {
  std::vector<unsigned char> fast, reference;
  const bool fast_ok = attest::detail::decode_base64(text, fast);
  const bool reference_ok = attest::detail::decode_base64_openssl(text, reference);
  if (fast_ok != reference_ok || (fast_ok && fast != reference)) {
    disagree("decode_base64 differs from OpenSSL's streaming decoder");
  }
}

void check_payload(std::string_view content) {
  const std::string difference =
      testing::payload_difference(content, attest::parse_payload(content));
  if (!difference.empty()) disagree("parse_payload differs from the parsed tree", difference);
}

void check_envelope_body(std::string_view input) {
  const std::string_view text = trim(input);
  if (text.empty() || text.front() != '{') return;
  std::vector<unsigned char> der;
  std::optional<std::string> nonce;
  const attest::detail::BodyScan scan =
      attest::detail::decode_envelope_body(text, der, kNonceMember, nonce);
  if (scan == attest::detail::BodyScan::kUnusual) return;
  const nlohmann::json body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object() || body.size() != (nonce ? 3u : 2u)) {
    disagree("the parser-free envelope reading took a body nlohmann::json does not read so");
  }
  const auto member = body.find(kNonceMember);
  if (nonce && (member == body.end() || !member->is_string() || *member != *nonce)) {
    disagree("the parser-free envelope reading read another batch nonce than nlohmann::json");
  }
  const auto enc = body.find("encoding");
  const auto sig = body.find("signature");
  if (enc == body.end() || *enc != "pkcs7" || sig == body.end() || !sig->is_string()) {
    disagree("the parser-free envelope reading saw other members than nlohmann::json");
  }
  const std::string& signature = sig->get_ref<const std::string&>();
  check_base64(signature);
  std::vector<unsigned char> reference;
  const bool ok = attest::detail::decode_base64(signature, reference);
  if (ok != (scan == attest::detail::BodyScan::kDecoded) || (ok && reference != der)) {
    disagree("the parser-free envelope reading decoded the signature differently");
  }
}

namespace {

std::string_view bytes_of(const ASN1_STRING* s) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
          static_cast<size_t>(ASN1_STRING_length(s))};
}

}  // namespace

attest::detail::Pkcs7Ptr openssl_signed_data(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  attest::detail::Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  if (!p7 || p != der.data() + der.size() || !PKCS7_type_is_signed(p7.get()) ||
      p7->d.sign->contents == nullptr) {
    ERR_clear_error();
    return nullptr;
  }
  return p7;
}

// Our SignedData view must read what OpenSSL's full parser reads.
void compare_parse(const attest::detail::ParsedSignedData& ours, PKCS7* p7) {
  STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(p7);
  if (sk_PKCS7_SIGNER_INFO_num(infos) != 1) disagree("the SignerInfo count differs from PKCS7_it");
  const PKCS7_SIGNER_INFO* si = sk_PKCS7_SIGNER_INFO_value(infos, 0);
  const PKCS7_ISSUER_AND_SERIAL* id = ours.signer_id.get();
  if (id == nullptr || X509_NAME_cmp(id->issuer, si->issuer_and_serial->issuer) != 0 ||
      ASN1_INTEGER_cmp(id->serial, si->issuer_and_serial->serial) != 0) {
    disagree("the signer's issuer and serial number differ from PKCS7_it's");
  }
  if (OBJ_cmp(ours.signer->digest_alg->algorithm, si->digest_alg->algorithm) != 0 ||
      ASN1_STRING_cmp(ours.signer->enc_digest, si->enc_digest) != 0 ||
      sk_X509_ATTRIBUTE_num(ours.signer->auth_attr) != sk_X509_ATTRIBUTE_num(si->auth_attr)) {
    disagree("the SignerInfo differs from PKCS7_it's");
  }
  const PKCS7* inner = p7->d.sign->contents;
  if (OBJ_obj2nid(inner->type) != NID_pkcs7_data || inner->d.data == nullptr ||
      bytes_of(inner->d.data) != ours.content) {
    disagree("the signed content differs from PKCS7_it's");
  }
  // No certificates field at all is a null stack (sk_X509_num says -1): none.
  const int certificates = p7->d.sign->cert == nullptr ? 0 : sk_X509_num(p7->d.sign->cert);
  if (static_cast<size_t>(certificates) != ours.certificates.size()) {
    disagree("the embedded certificate count differs from PKCS7_it's");
  }
}

// The signature verdict against PKCS7_verify, for documents whose structure passed and which
// OpenSSL's full parser also reads. Legitimate differences, not compared:
//   - we refuse MD5 and SHA-1 and report algorithms or keys we cannot use (kSignatureWeak...,
//     kSignatureUnsupportedAlgorithm, kPkcs7BadCertificate): no validity verdict on our side;
//   - PKCS7_verify fails without a verdict when the SignedData's digestAlgorithms set lacks the
//     SignerInfo's algorithm ("unable to find message digest"), which we do not require, or when
//     it cannot decode the key. PKCS7_verify raises "signature failure" once for any failed
//     SignerInfo, and once more only when the cryptographic check itself failed; a messageDigest
//     attribute that does not match raises "digest failure". Those two are its "invalid".

}  // namespace hciattest::fuzzing
