// Forged and broken attested documents, built at test time from the test PKI. Each must be
// refused at kTestNow with the code of the first check it fails; the controls at the end must
// verify, which proves the refusals are not for a trivial reason (a bad anchor, a bad clock, a
// bad nonce). Zero false accepts is the point of this file.
#include <gtest/gtest.h>
#include <openssl/objects.h>

#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "attest/verifier.h"
#include "tests/support/test_pki.h"

namespace hciattest::attest {
namespace {

using testing::Cert;
using testing::CertSpec;
using testing::kDay;
using testing::kTestNow;
using testing::SignSpec;
using Der = std::vector<unsigned char>;

constexpr const char* kNonce = "1234567890";
constexpr const char* kIntermediateName = "hciattest Test TLS Issuing CA 01";

// The certificates that need a key pair of their own, made once per process: RSA key generation
// is the slow part (ctest runs each case in its own process), so only the IMDS-shaped hierarchy
// has RSA-2048 keys and the attacker's keys are P-256. Every other certificate is made per case
// from these keys (make_cert's reuse_key).
struct Pki {
  testing::Hierarchy trusted;  // root (the only anchor) -> intermediate -> metadata.azure.com
  Cert evil_root;              // self-signed, not an anchor
  Cert twin_root;              // self-signed with the anchor's exact subject, another key
  Cert end_entity;             // CN=example.com, CA:FALSE, under the trusted intermediate
  Cert weak_leaf;              // metadata.azure.com with an RSA-1024 key
  Cert weak_intermediate;      // an RSA-1024 CA under the trusted root
};

CertSpec ca_spec(const std::string& cn) {
  CertSpec s;
  s.cn = cn;
  s.ca = true;
  s.not_before = kTestNow - 200 * kDay;
  s.not_after = kTestNow + 1000 * kDay;
  return s;
}

CertSpec leaf_spec(const std::string& cn) {
  CertSpec s;
  s.cn = cn;
  s.dns = {cn};
  return s;
}

Pki make_pki() {
  Pki p;
  p.trusted = testing::make_hierarchy();
  CertSpec root = ca_spec("hciattest Evil Root CA");
  root.eku = {};
  root.ec_key = true;
  p.evil_root = testing::make_cert(root, nullptr);
  root.cn = "hciattest Test Root CA";  // make_hierarchy's anchor name
  p.twin_root = testing::make_cert(root, nullptr);
  CertSpec example = leaf_spec("example.com");
  example.ec_key = true;
  p.end_entity = testing::make_cert(example, &p.trusted.intermediate);
  CertSpec weak = leaf_spec("metadata.azure.com");
  weak.key_bits = 1024;
  p.weak_leaf = testing::make_cert(weak, &p.trusted.intermediate);
  CertSpec weak_ca = ca_spec("hciattest Weak Issuing CA");
  weak_ca.key_bits = 1024;
  p.weak_intermediate = testing::make_cert(weak_ca, &p.trusted.root);
  return p;
}

const Pki& pki() {
  static const Pki p = make_pki();
  return p;
}

std::shared_ptr<const TrustStore> trust() {
  static const std::shared_ptr<const TrustStore> t = [] {
    auto store = std::make_shared<TrustStore>();
    if (!store->add_anchors_pem(pki().trusted.root.pem(), "test-root.pem").ok) {
      throw std::runtime_error("the test root does not load");
    }
    return store;
  }();
  return t;
}

// A certificate for the trusted leaf's key pair: `issuer` null makes it self-signed.
Cert leaf_variant(const CertSpec& spec, const Cert* issuer = &pki().trusted.intermediate) {
  return testing::make_cert(spec, issuer, &pki().trusted.leaf);
}

// A CA certificate for the trusted intermediate's key pair and name, issued by the trusted root:
// the trusted leaf chains through it.
Cert intermediate_variant(const CertSpec& spec) {
  return testing::make_cert(spec, &pki().trusted.root, &pki().trusted.intermediate);
}

std::string good_payload() { return testing::payload(kNonce); }

// `signer` signs `content` and the document embeds `signer` then `chain`. The trust store holds
// only the root, so the intermediate rides along in the document.
Der sign_der(const Cert& signer, std::vector<const Cert*> chain, SignSpec spec = {},
             const std::string& content = good_payload()) {
  spec.extra_certs.insert(spec.extra_certs.end(), chain.begin(), chain.end());
  return testing::sign(content, signer, spec);
}

Der genuine_der(SignSpec spec = {}, const std::string& content = good_payload()) {
  return sign_der(pki().trusted.leaf, {&pki().trusted.intermediate}, spec, content);
}

std::string json(const Der& der) { return testing::envelope(der); }

// The genuine leaf's document, chained through another version of its intermediate.
std::string through_intermediate(const CertSpec& spec) {
  Cert inter = intermediate_variant(spec);
  return json(sign_der(pki().trusted.leaf, {&inter}));
}

// A leaf variant signs, embedded with the trusted intermediate.
std::string signed_by_leaf(const CertSpec& spec) {
  Cert leaf = leaf_variant(spec);
  return json(sign_der(leaf, {&pki().trusted.intermediate}));
}

std::string replace_text(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("replace_text: \"" + from + "\" not found");
  return text.replace(at, from.size(), to);
}

std::string with_payload(const std::string& content) { return json(genuine_der({}, content)); }

SignSpec digest(const EVP_MD* md, int digest_nid = 0, bool attributes = false) {
  SignSpec s;
  s.md = md;
  s.digest_nid = digest_nid;
  s.signed_attributes = attributes;
  return s;
}

// A genuine document with one byte of the embedded leaf certificate XORed with `mask`; `offset`
// counts from the start of the leaf's DER, or from its end when negative.
std::string with_leaf_byte(long offset, unsigned char mask) {
  Der der = genuine_der();
  const Der leaf = pki().trusted.leaf.der();
  const std::size_t at = testing::find_bytes(der, testing::as_string(leaf));
  if (at == std::string::npos) throw std::runtime_error("the leaf is not embedded");
  const std::size_t pos = offset >= 0 ? at + static_cast<std::size_t>(offset)
                                      : at + leaf.size() - static_cast<std::size_t>(-offset);
  der.at(pos) ^= mask;
  return json(der);
}

// The OIDs pkcs7-data (1.2.840.113549.1.7.1), pkcs7-signedData (.2) and pkcs7-digestedData
// (.5), DER-encoded.
const std::string kDataOid("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01", 11);
const std::string kSignedDataOid("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02", 11);
const std::string kDigestedDataOid("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x05", 11);

struct ForgeryCase {
  ForgeryCase(std::string name_in, ErrorCode expected_in, std::function<std::string()> document_in,
              std::vector<std::string> signer_domains_in = {})
      : name(std::move(name_in)),
        expected(expected_in),
        document(std::move(document_in)),
        signer_domains(std::move(signer_domains_in)) {}

  std::string name;                         // the test's name: what is wrong with the document
  ErrorCode expected;                       // the first failing check's code; kOk: must verify
  std::function<std::string()> document;    // built at test time (the PKI is lazy)
  std::vector<std::string> signer_domains;  // empty: every cloud's metadata host
};

void PrintTo(const ForgeryCase& c, std::ostream* os) { *os << c.name; }

std::vector<ForgeryCase> envelope_cases() {
  return {
      {"empty_body", ErrorCode::kEnvelopeEmpty, [] { return std::string(" \r\n"); }},
      {"oversized_body_with_a_genuine_signature", ErrorCode::kEnvelopeTooLarge,
       [] {
         std::string content = good_payload();
         content.insert(1, "\"padding\":\"" + std::string(70 * 1024, 'x') + "\",");
         return with_payload(content);
       }},
      {"envelope_is_cut_json", ErrorCode::kEnvelopeNotJson,
       [] { return json(genuine_der()).substr(0, 40); }},
      {"wrong_encoding", ErrorCode::kEnvelopeBadEncoding,
       [] {
         return replace_text(json(genuine_der()), R"("encoding":"pkcs7")",
                             R"("encoding":"base64")");
       }},
      {"encoding_in_upper_case", ErrorCode::kEnvelopeBadEncoding,
       [] {
         return replace_text(json(genuine_der()), R"("encoding":"pkcs7")", R"("encoding":"PKCS7")");
       }},
      {"encoding_absent", ErrorCode::kEnvelopeBadEncoding,
       [] { return replace_text(json(genuine_der()), R"("encoding":"pkcs7",)", ""); }},
      {"encoding_repeated_and_last_not_pkcs7", ErrorCode::kEnvelopeBadEncoding,
       [] {
         // Not the two-member shape the fast scanner takes: the JSON parser (last member wins).
         std::string body = json(genuine_der());
         return body.substr(0, body.size() - 1) + R"(,"encoding":"base64"})";
       }},
      {"signature_absent", ErrorCode::kEnvelopeMissingSignature,
       [] { return std::string(R"({"encoding":"pkcs7"})"); }},
      {"signature_not_a_string", ErrorCode::kEnvelopeMissingSignature,
       [] { return std::string(R"({"encoding":"pkcs7","signature":["MIIB"]})"); }},
      {"bad_base64", ErrorCode::kEnvelopeBadBase64,
       [] {
         std::string b64 = testing::base64(genuine_der());
         b64[b64.size() / 2] = '!';
         return R"({"encoding":"pkcs7","signature":")" + b64 + "\"}";
       }},
      {"base64_with_data_after_the_padding", ErrorCode::kEnvelopeBadBase64,
       [] {
         return R"({"encoding":"pkcs7","signature":")" + testing::base64(genuine_der()) +
                "=QUFB\"}";
       }},
  };
}

std::vector<ForgeryCase> structure_cases() {
  return {
      {"signature_decodes_to_text", ErrorCode::kPkcs7Malformed,
       [] { return std::string(R"({"encoding":"pkcs7","signature":"aGVsbG8gd29ybGQ="})"); }},
      {"truncated_der", ErrorCode::kPkcs7Malformed,
       [] {
         Der der = genuine_der();
         der.resize(der.size() - 100);
         return json(der);
       }},
      {"truncated_der_by_one_byte", ErrorCode::kPkcs7Malformed,
       [] {
         Der der = genuine_der();
         der.pop_back();
         return json(der);
       }},
      {"trailing_garbage_after_the_der", ErrorCode::kPkcs7Malformed,
       [] {
         Der der = genuine_der();
         der.push_back(0x00);
         der.push_back(0x00);
         return json(der);
       }},
      {"two_documents_joined", ErrorCode::kPkcs7Malformed,
       [] {
         Der der = genuine_der();
         Der second = genuine_der();
         der.insert(der.end(), second.begin(), second.end());
         return json(der);
       }},
      {"bare_certificate_instead_of_pkcs7", ErrorCode::kPkcs7Malformed,
       [] { return json(pki().trusted.leaf.der()); }},
      {"signed_data_content_info_without_content", ErrorCode::kPkcs7Malformed,
       [] {
         std::string der = "\x30\x0b" + kSignedDataOid;
         return json(Der(der.begin(), der.end()));
       }},
      {"encapsulated_content_type_not_data", ErrorCode::kPkcs7Malformed,
       [] { return json(testing::replace_bytes(genuine_der(), kDataOid, kDigestedDataOid)); }},
      {"pkcs7_data_content_info", ErrorCode::kPkcs7NotSignedData,
       [] { return json(testing::data_content_info(good_payload())); }},
      {"signed_data_relabelled_as_data", ErrorCode::kPkcs7NotSignedData,
       [] { return json(testing::replace_bytes(genuine_der(), kSignedDataOid, kDataOid)); }},
      {"detached_content", ErrorCode::kPkcs7Detached,
       [] {
         SignSpec s;
         s.detached = true;
         return json(genuine_der(s));
       }},
      {"no_signer_info", ErrorCode::kPkcs7NoSigner,
       [] {
         SignSpec s;
         s.strip_signers = true;
         return json(genuine_der(s));
       }},
      {"two_signers", ErrorCode::kPkcs7MultipleSigners,
       [] {
         SignSpec s;
         s.extra_signers = {&pki().end_entity};
         return json(genuine_der(s));
       }},
      {"two_signer_infos_for_the_genuine_leaf", ErrorCode::kPkcs7MultipleSigners,
       [] {
         SignSpec s;
         s.extra_signers = {&pki().trusted.leaf};
         return json(genuine_der(s));
       }},
      {"signer_certificate_not_embedded", ErrorCode::kPkcs7SignerCertMissing,
       [] {
         SignSpec s;
         s.embed_signer = false;
         return json(sign_der(pki().trusted.leaf, {}, s));
       }},
      {"only_the_intermediate_embedded", ErrorCode::kPkcs7SignerCertMissing,
       [] {
         SignSpec s;
         s.embed_signer = false;
         return json(genuine_der(s));
       }},
      {"signer_info_names_a_certificate_not_embedded", ErrorCode::kPkcs7SignerCertMissing,
       [] {
         SignSpec s;
         s.signer_info_names = &pki().end_entity;
         return json(genuine_der(s));
       }},
      {"embedded_certificate_does_not_decode", ErrorCode::kPkcs7BadCertificate,
       [] {
         // 30 82 LL LL 30 82 LL LL A0 03 02 01 02: the version INTEGER (02) becomes an OCTET
         // STRING (04); the element stays well-formed TLV, the certificate no longer decodes.
         return with_leaf_byte(10, 0x02 ^ 0x04);
       }},
  };
}

std::vector<ForgeryCase> signature_cases() {
  return {
      {"tampered_content", ErrorCode::kSignatureInvalid,
       [] {
         return json(testing::replace_bytes(genuine_der(), R"("licenseType":"Windows_Server")",
                                            R"("licenseType":"Windows_Client")"));
       }},
      {"tampered_nonce", ErrorCode::kSignatureInvalid,
       [] {
         Der der = sign_der(pki().trusted.leaf, {&pki().trusted.intermediate}, {},
                            testing::payload("0987654321"));
         return json(testing::replace_bytes(der, "0987654321", kNonce));
       }},
      {"tampered_signature_value", ErrorCode::kSignatureInvalid,
       [] {
         Der der = genuine_der();
         der.back() ^= 0x01;  // the SignerInfo's encryptedDigest ends the DER
         return json(der);
       }},
      {"content_re_signed_by_another_key", ErrorCode::kSignatureInvalid,
       [] {
         SignSpec s;
         s.resign_with = &pki().end_entity;
         return json(genuine_der(s));
       }},
      {"signer_info_names_the_intermediate_but_the_leaf_signed", ErrorCode::kSignatureInvalid,
       [] {
         SignSpec s;
         s.signer_info_names = &pki().trusted.intermediate;
         return json(genuine_der(s));
       }},
      {"signed_attributes_with_a_message_digest_of_other_content", ErrorCode::kSignatureInvalid,
       [] {
         // The attributes stay validly signed; only their messageDigest tells the content changed.
         SignSpec s;
         s.signed_attributes = true;
         return json(testing::replace_bytes(genuine_der(s), R"("licenseType":"Windows_Server")",
                                            R"("licenseType":"Windows_Client")"));
       }},
      {"signed_attributes_with_a_tampered_signature_value", ErrorCode::kSignatureInvalid,
       [] {
         SignSpec s;
         s.signed_attributes = true;
         Der der = genuine_der(s);
         der.back() ^= 0x01;
         return json(der);
       }},
      {"sha1_signature_relabelled_sha256", ErrorCode::kSignatureInvalid,
       [] { return json(genuine_der(digest(EVP_sha1(), NID_sha256))); }},
      {"md5_signature", ErrorCode::kSignatureWeakAlgorithm,
       [] { return json(genuine_der(digest(EVP_md5()))); }},
      {"sha1_signature", ErrorCode::kSignatureWeakAlgorithm,
       [] { return json(genuine_der(digest(EVP_sha1()))); }},
      {"sha1_signature_with_signed_attributes", ErrorCode::kSignatureWeakAlgorithm,
       [] { return json(genuine_der(digest(EVP_sha1(), 0, true))); }},
      {"sha1_signature_in_the_azure_oid_shape", ErrorCode::kSignatureWeakAlgorithm,
       [] { return json(genuine_der(digest(EVP_sha1(), NID_sha1WithRSAEncryption))); }},
      {"md5_signature_in_the_azure_oid_shape", ErrorCode::kSignatureWeakAlgorithm,
       [] { return json(genuine_der(digest(EVP_md5(), NID_md5WithRSAEncryption))); }},
      {"unknown_digest_algorithm", ErrorCode::kSignatureUnsupportedAlgorithm,
       [] { return json(genuine_der(digest(nullptr, NID_commonName))); }},
  };
}

std::vector<ForgeryCase> chain_cases() {
  return {
      {"untrusted_root_embedded", ErrorCode::kChainUntrustedRoot,
       [] {
         Cert leaf = leaf_variant(leaf_spec("metadata.azure.com"), &pki().evil_root);
         return json(sign_der(leaf, {&pki().evil_root}));
       }},
      {"look_alike_root_with_the_anchors_name_embedded", ErrorCode::kChainUntrustedRoot,
       [] {
         Cert leaf = leaf_variant(leaf_spec("metadata.azure.com"), &pki().twin_root);
         return json(sign_der(leaf, {&pki().twin_root}));
       }},
      {"untrusted_root_not_embedded", ErrorCode::kChainIssuerMissing,
       [] {
         Cert leaf = leaf_variant(leaf_spec("metadata.azure.com"), &pki().evil_root);
         return json(sign_der(leaf, {}));
       }},
      {"impostor_with_the_genuine_leafs_issuer_and_serial_first", ErrorCode::kChainIssuerMissing,
       [] {
         // Both embedded certificates match the SignerInfo; whichever is taken, the signature,
         // chain and name checks must all be made on that one certificate.
         Cert fake_ca = testing::make_cert(ca_spec(kIntermediateName), nullptr, &pki().evil_root);
         CertSpec spec = leaf_spec("metadata.azure.com");
         spec.serial = ASN1_INTEGER_get(X509_get0_serialNumber(pki().trusted.leaf.x509.get()));
         Cert impostor = testing::make_cert(spec, &fake_ca, &pki().end_entity);
         SignSpec s;
         s.embed_signer = false;
         return json(
             sign_der(impostor, {&impostor, &pki().trusted.leaf, &pki().trusted.intermediate}, s));
       }},
      {"self_signed_leaf", ErrorCode::kChainSelfSignedLeaf,
       [] {
         Cert leaf = leaf_variant(leaf_spec("metadata.azure.com"), nullptr);
         return json(sign_der(leaf, {&pki().trusted.intermediate}));
       }},
      {"missing_intermediate", ErrorCode::kChainIssuerMissing,
       [] { return json(sign_der(pki().trusted.leaf, {})); }},
      {"leaf_certificate_signature_tampered", ErrorCode::kChainInvalid,
       [] { return with_leaf_byte(-1, 0x01); }},
      {"leaf_renamed_after_issuance", ErrorCode::kChainInvalid,
       [] {
         Cert leaf = leaf_variant(leaf_spec("metadatb.azure.com"));
         return json(testing::replace_bytes(sign_der(leaf, {&pki().trusted.intermediate}),
                                            "metadatb.azure.com", "metadata.azure.com"));
       }},
      {"leaf_issued_by_an_end_entity_certificate", ErrorCode::kChainInvalid,
       [] {
         Cert leaf = leaf_variant(leaf_spec("metadata.azure.com"), &pki().end_entity);
         return json(sign_der(leaf, {&pki().end_entity, &pki().trusted.intermediate}));
       }},
      {"intermediate_path_length_exceeded", ErrorCode::kChainInvalid,
       [] {
         CertSpec constrained = ca_spec(kIntermediateName);
         constrained.path_len = 0;
         Cert inter = intermediate_variant(constrained);
         Cert sub = testing::make_cert(ca_spec("hciattest Sub CA"), &inter, &pki().end_entity);
         Cert leaf = leaf_variant(leaf_spec("metadata.azure.com"), &sub);
         return json(sign_der(leaf, {&sub, &inter}));
       }},
      {"intermediate_restricted_to_email_protection", ErrorCode::kChainInvalid,
       [] {
         CertSpec s = ca_spec(kIntermediateName);
         s.eku = {"emailProtection"};
         return through_intermediate(s);
       }},
      {"intermediate_without_key_cert_sign", ErrorCode::kChainInvalid,
       [] {
         CertSpec s = ca_spec(kIntermediateName);
         s.key_usage = "critical,digitalSignature";
         return through_intermediate(s);
       }},
      {"intermediate_name_constraints_exclude_the_signer", ErrorCode::kChainInvalid,
       [] {
         CertSpec s = ca_spec(kIntermediateName);
         s.extensions = {{"nameConstraints", "critical,permitted;DNS:contoso.example"}};
         return through_intermediate(s);
       }},
      {"leaf_with_an_unknown_critical_extension", ErrorCode::kChainInvalid,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.extensions = {{"1.3.6.1.4.1.55555.1", "critical,DER:05:00"}};
         return signed_by_leaf(s);
       }},
      {"weak_rsa_1024_leaf", ErrorCode::kChainWeakAlgorithm,
       [] { return json(sign_der(pki().weak_leaf, {&pki().trusted.intermediate})); }},
      {"weak_rsa_1024_intermediate", ErrorCode::kChainWeakAlgorithm,
       [] {
         Cert leaf = leaf_variant(leaf_spec("metadata.azure.com"), &pki().weak_intermediate);
         return json(sign_der(leaf, {&pki().weak_intermediate}));
       }},
      {"leaf_signed_with_sha1_by_the_ca", ErrorCode::kChainWeakAlgorithm,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.md = EVP_sha1();
         return signed_by_leaf(s);
       }},
      {"intermediate_signed_with_sha1_by_the_root", ErrorCode::kChainWeakAlgorithm,
       [] {
         CertSpec s = ca_spec(kIntermediateName);
         s.md = EVP_sha1();
         return through_intermediate(s);
       }},
  };
}

std::vector<ForgeryCase> validity_cases() {
  return {
      {"expired_leaf", ErrorCode::kChainCertExpired,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.not_before = kTestNow - 60 * kDay;
         s.not_after = kTestNow - kDay;
         return signed_by_leaf(s);
       }},
      {"not_yet_valid_leaf", ErrorCode::kChainCertNotYetValid,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.not_before = kTestNow + kDay;
         s.not_after = kTestNow + 60 * kDay;
         return signed_by_leaf(s);
       }},
      {"expired_intermediate", ErrorCode::kChainCertExpired,
       [] {
         CertSpec s = ca_spec(kIntermediateName);
         s.not_before = kTestNow - 400 * kDay;
         s.not_after = kTestNow - kDay;
         return through_intermediate(s);
       }},
      {"not_yet_valid_intermediate", ErrorCode::kChainCertNotYetValid,
       [] {
         CertSpec s = ca_spec(kIntermediateName);
         s.not_before = kTestNow + kDay;
         s.not_after = kTestNow + 400 * kDay;
         return through_intermediate(s);
       }},
  };
}

std::vector<ForgeryCase> signer_cases() {
  auto named = [](const std::string& cn) { return [cn] { return signed_by_leaf(leaf_spec(cn)); }; };
  return {
      {"wrong_cn_example_com", ErrorCode::kSignerNameMismatch, named("example.com")},
      {"look_alike_suffix_metadata_azure_com_evil_example", ErrorCode::kSignerNameMismatch,
       named("metadata.azure.com.evil.example")},
      {"look_alike_prefix_evilmetadata_azure_com", ErrorCode::kSignerNameMismatch,
       named("evilmetadata.azure.com")},
      {"look_alike_hyphen_metadata_azure_com", ErrorCode::kSignerNameMismatch,
       named("metadata-azure.com")},
      {"wildcard_for_the_parent_domain", ErrorCode::kSignerNameMismatch, named("*.azure.com")},
      {"name_with_a_trailing_dot", ErrorCode::kSignerNameMismatch, named("metadata.azure.com.")},
      {"san_only_look_alike", ErrorCode::kSignerNameMismatch,
       [] {
         CertSpec s = leaf_spec("hciattest IMDS signer");
         s.dns = {"metadata.azure.com.evil.example", "evilmetadata.azure.com"};
         return signed_by_leaf(s);
       }},
      {"cn_with_an_embedded_nul", ErrorCode::kSignerNameMismatch,
       [] {
         CertSpec s = leaf_spec(std::string("metadata.azure.com\0.evil.example", 32));
         s.dns = {};
         return signed_by_leaf(s);
       }},
      {"signed_by_the_intermediate_ca", ErrorCode::kSignerNameMismatch,
       [] { return json(sign_der(pki().trusted.intermediate, {})); }},
      {"signed_by_the_trusted_root", ErrorCode::kSignerNameMismatch,
       [] { return json(sign_der(pki().trusted.root, {})); }},
      {"real_signer_is_not_certificates_0", ErrorCode::kSignerNameMismatch,
       [] {
         // SPIRE #6998: the genuine metadata.azure.com leaf comes first, example.com signed.
         SignSpec s;
         s.embed_signer = false;
         return json(sign_der(pki().end_entity,
                              {&pki().trusted.leaf, &pki().trusted.intermediate, &pki().end_entity},
                              s));
       }},
      {"azure_signer_when_a_custom_domain_is_required",
       ErrorCode::kSignerNameMismatch,
       [] { return json(genuine_der()); },
       {"hci.contoso.example"}},
      {"leaf_is_a_ca_with_the_right_name", ErrorCode::kSignerIsCa,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.ca = true;
         return signed_by_leaf(s);
       }},
      {"eku_email_protection_only", ErrorCode::kSignerEkuMismatch,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.eku = {"emailProtection"};
         return signed_by_leaf(s);
       }},
      {"eku_client_auth_only", ErrorCode::kSignerEkuMismatch,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.eku = {"clientAuth"};
         return signed_by_leaf(s);
       }},
      {"no_eku", ErrorCode::kSignerEkuMismatch,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.eku = {};
         return signed_by_leaf(s);
       }},
      {"key_usage_key_encipherment_only", ErrorCode::kSignerEkuMismatch,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.key_usage = "critical,keyEncipherment";
         return signed_by_leaf(s);
       }},
      {"netscape_cert_type_email_only", ErrorCode::kSignerEkuMismatch,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.extensions = {{"nsCertType", "email"}};
         return signed_by_leaf(s);
       }},
      {"key_usage_cert_sign_only_on_a_non_ca", ErrorCode::kSignerEkuMismatch,
       [] {
         CertSpec s = leaf_spec("metadata.azure.com");
         s.key_usage = "critical,keyCertSign";
         return signed_by_leaf(s);
       }},
  };
}

std::vector<ForgeryCase> payload_cases() {
  const std::string created = testing::imds_time(kTestNow - 600);
  return {
      {"payload_not_json", ErrorCode::kPayloadNotJson,
       [] { return with_payload("this is not JSON"); }},
      {"payload_a_json_array", ErrorCode::kPayloadNotJson,
       [] { return with_payload("[" + good_payload() + "]"); }},
      {"payload_missing_nonce", ErrorCode::kPayloadMissingField,
       [] { return with_payload(replace_text(good_payload(), R"("nonce":"1234567890",)", "")); }},
      {"payload_nonce_not_a_string", ErrorCode::kPayloadMissingField,
       [] {
         return with_payload(
             replace_text(good_payload(), R"("nonce":"1234567890")", R"("nonce":1234567890)"));
       }},
      {"payload_missing_vm_id", ErrorCode::kPayloadMissingField,
       [] {
         return with_payload(
             replace_text(good_payload(), R"(,"vmId":"c7a4a7e0-1111-4c6a-9d43-2f8e5c0d7b11")", ""));
       }},
      {"payload_time_stamp_spelled_timestamp", ErrorCode::kPayloadMissingField,
       [] { return with_payload(replace_text(good_payload(), "timeStamp", "timestamp")); }},
      {"nonce_mismatch", ErrorCode::kNonceMismatch,
       [] { return with_payload(testing::payload("0987654321")); }},
      {"nonce_longer_than_the_one_sent", ErrorCode::kNonceMismatch,
       [] { return with_payload(testing::payload(std::string(kNonce) + "0")); }},
      {"nonce_empty", ErrorCode::kNonceMismatch, [] { return with_payload(testing::payload("")); }},
      {"time_stamp_expired", ErrorCode::kTimestampExpired,
       [] { return with_payload(testing::payload(kNonce, kTestNow - 7 * 3600, kTestNow - 3600)); }},
      {"time_stamp_not_yet_valid", ErrorCode::kTimestampNotYetValid,
       [] { return with_payload(testing::payload(kNonce, kTestNow + 3600, kTestNow + 7 * 3600)); }},
      {"time_stamp_unparsable", ErrorCode::kTimestampUnparsable,
       [created] { return with_payload(replace_text(good_payload(), created, "yesterday")); }},
      {"time_stamp_in_iso_format", ErrorCode::kTimestampUnparsable,
       [created] {
         return with_payload(replace_text(good_payload(), created, format_iso8601(kTestNow - 600)));
       }},
      {"time_stamp_window_reversed", ErrorCode::kTimestampUnparsable,
       [] { return with_payload(testing::payload(kNonce, kTestNow + 60, kTestNow - 60)); }},
  };
}

std::vector<ForgeryCase> forgery_cases() {
  std::vector<ForgeryCase> all;
  for (auto part : {envelope_cases(), structure_cases(), signature_cases(), chain_cases(),
                    validity_cases(), signer_cases(), payload_cases()}) {
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

// Controls: the same machinery, unbroken, verifies.
std::vector<ForgeryCase> control_cases() {
  return {
      {"unmodified_imds_shaped_document", ErrorCode::kOk, [] { return json(genuine_der()); }},
      {"der_input", ErrorCode::kOk, [] { return testing::as_string(genuine_der()); }},
      {"bare_base64_with_line_breaks", ErrorCode::kOk,
       [] {
         std::string b64 = testing::base64(genuine_der());
         for (std::size_t at = 64; at < b64.size(); at += 65) b64.insert(at, "\n");
         return b64 + "\n";
       }},
      {"plain_sha256_digest_oid", ErrorCode::kOk,
       [] {
         SignSpec s;
         s.azure_digest_oid = false;
         return json(genuine_der(s));
       }},
      {"signed_attributes_present_and_correct", ErrorCode::kOk,
       [] {
         SignSpec s;
         s.signed_attributes = true;
         return json(genuine_der(s));
       }},
      {"signer_certificate_not_first", ErrorCode::kOk,
       [] {
         SignSpec s;
         s.embed_signer = false;
         return json(
             sign_der(pki().trusted.leaf, {&pki().trusted.intermediate, &pki().trusted.leaf}, s));
       }},
      {"san_only_eastus_metadata_azure_com", ErrorCode::kOk,
       [] {
         CertSpec s = leaf_spec("hciattest IMDS signer");
         s.dns = {"eastus.metadata.azure.com"};
         return signed_by_leaf(s);
       }},
      {"custom_signer_domain",
       ErrorCode::kOk,
       [] { return signed_by_leaf(leaf_spec("signer.hci.contoso.example")); },
       {"hci.contoso.example"}},
      {"time_stamp_expired_within_the_allowed_skew", ErrorCode::kOk,
       [] { return with_payload(testing::payload(kNonce, kTestNow - 6 * 3600, kTestNow - 60)); }},
  };
}

VerifyOptions options_for(const ForgeryCase& c, bool cache) {
  VerifyOptions o;
  o.time = kTestNow;
  o.signer_domains = c.signer_domains;
  o.expected_nonce = std::string(kNonce);
  o.cache = cache;
  return o;
}

std::string describe(const VerificationReport& r) {
  std::string out = std::string(error_id(r.code)) + ": " + r.message;
  for (const auto& c : r.checks) {
    out += "\n  " + std::string(c.id) + " " + std::string(status_id(c.status)) + " " +
           std::string(error_id(c.code)) + " " + c.message;
  }
  return out;
}

std::string case_name(const ::testing::TestParamInfo<ForgeryCase>& info) { return info.param.name; }

class ForgedDocument : public ::testing::TestWithParam<ForgeryCase> {};

TEST_P(ForgedDocument, IsRefusedWithTheFirstFailingChecksCode) {
  const ForgeryCase& c = GetParam();
  const std::string doc = c.document();
  Verifier v(trust(), options_for(c, /*cache=*/true));
  const VerificationReport r = v.verify(doc);
  EXPECT_FALSE(r.verified) << describe(r);
  EXPECT_EQ(error_id(r.code), error_id(c.expected)) << describe(r);
  EXPECT_FALSE(r.message.empty());
  RecordProperty("message", r.message);
  // The certificate cache is a speed knob: a second pass (cache hits) and a verifier without a
  // cache give the same verdict.
  const VerificationReport again = v.verify(doc);
  EXPECT_FALSE(again.verified);
  EXPECT_EQ(error_id(again.code), error_id(r.code)) << describe(again);
  Verifier uncached(trust(), options_for(c, /*cache=*/false));
  const VerificationReport fresh = uncached.verify(doc);
  EXPECT_FALSE(fresh.verified);
  EXPECT_EQ(error_id(fresh.code), error_id(r.code)) << describe(fresh);
}

INSTANTIATE_TEST_SUITE_P(Forgeries, ForgedDocument, ::testing::ValuesIn(forgery_cases()),
                         case_name);

class ControlDocument : public ::testing::TestWithParam<ForgeryCase> {};

TEST_P(ControlDocument, Verifies) {
  const ForgeryCase& c = GetParam();
  Verifier v(trust(), options_for(c, /*cache=*/true));
  const VerificationReport r = v.verify(c.document());
  EXPECT_TRUE(r.verified) << describe(r);
  EXPECT_EQ(r.code, ErrorCode::kOk);
  for (const auto& check : r.checks) {
    EXPECT_EQ(check.status, CheckStatus::kPass) << check.id << ": " << check.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Controls, ControlDocument, ::testing::ValuesIn(control_cases()),
                         case_name);

// One long-lived verifier, as a batch run or a service uses it: each forgery interleaved with the
// genuine document keeps both verdicts, so no cached certificate or chain leaks between them.
TEST(ForgedDocuments, KeepTheirVerdictsThroughOneCachingVerifier) {
  VerifyOptions o;
  o.time = kTestNow;
  o.expected_nonce = std::string(kNonce);
  Verifier v(trust(), o);
  const std::string genuine = json(genuine_der());
  for (const ForgeryCase& c : forgery_cases()) {
    if (!c.signer_domains.empty()) continue;
    const VerificationReport r = v.verify(c.document());
    EXPECT_FALSE(r.verified) << c.name;
    EXPECT_EQ(error_id(r.code), error_id(c.expected)) << c.name << ": " << describe(r);
    const VerificationReport g = v.verify(genuine);
    EXPECT_TRUE(g.verified) << "after " << c.name << ": " << describe(g);
  }
}

}  // namespace
}  // namespace hciattest::attest
