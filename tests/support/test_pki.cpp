#include "tests/support/test_pki.h"

#include <openssl/x509v3.h>

#include <stdexcept>

#include "attest/payload.h"

namespace hciattest::testing {

using attest::detail::BioPtr;
using attest::detail::Pkcs7Ptr;
using attest::detail::X509Ptr;

namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string(what) + ": " + attest::detail::drain_openssl_errors());
}

// The SignSpec forgery knobs that rewrite the first SignerInfo after it was signed.
void forge_signer_info(PKCS7_SIGNER_INFO* si, const std::string& content, const EVP_MD* md,
                       const SignSpec& spec) {
  if (spec.resign_with != nullptr) {
    // PKCS7_sign_add_signer refuses a key that does not match the certificate, so sign the
    // content separately and swap the signature value in.
    check(!spec.signed_attributes, "resign_with needs a document without signed attributes");
    attest::detail::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    size_t len = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(content.data());
    EVP_PKEY* key = spec.resign_with->key.get();
    check(ctx != nullptr && EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
              EVP_DigestSign(ctx.get(), nullptr, &len, data, content.size()) == 1,
          "EVP_DigestSignInit");
    std::vector<unsigned char> sig(len);
    check(EVP_DigestSign(ctx.get(), sig.data(), &len, data, content.size()) == 1, "EVP_DigestSign");
    check(ASN1_STRING_set(si->enc_digest, sig.data(), static_cast<int>(len)) == 1,
          "ASN1_STRING_set");
  }
  if (spec.signer_info_names != nullptr) {
    X509* named = spec.signer_info_names->x509.get();
    PKCS7_ISSUER_AND_SERIAL* ias = si->issuer_and_serial;
    check(X509_NAME_set(&ias->issuer, X509_get_issuer_name(named)) == 1, "X509_NAME_set");
    ASN1_INTEGER_free(ias->serial);
    ias->serial = ASN1_INTEGER_dup(X509_get0_serialNumber(named));
    check(ias->serial != nullptr, "ASN1_INTEGER_dup");
  }
  if (spec.digest_nid != 0) {
    X509_ALGOR_set0(si->digest_alg, OBJ_nid2obj(spec.digest_nid), V_ASN1_NULL, nullptr);
  }
}

}  // namespace

Cert make_cert(const CertSpec& spec, const Cert* issuer, const Cert* reuse_key) {
  return emulator::detail::issue(spec, issuer, reuse_key);
}

std::vector<unsigned char> sign(const std::string& content, const Cert& signer,
                                const SignSpec& spec) {
  Pkcs7Ptr p7 = emulator::detail::build_pkcs7(content, signer, spec);
  STACK_OF(PKCS7_SIGNER_INFO)* sis = PKCS7_get_signer_info(p7.get());
  const EVP_MD* md = spec.md != nullptr ? spec.md : EVP_sha256();
  forge_signer_info(sk_PKCS7_SIGNER_INFO_value(sis, 0), content, md, spec);
  if (spec.strip_signers) {
    while (sk_PKCS7_SIGNER_INFO_num(sis) > 0) {
      PKCS7_SIGNER_INFO_free(sk_PKCS7_SIGNER_INFO_pop(sis));
    }
  }
  return emulator::detail::pkcs7_der(p7.get());
}

std::vector<unsigned char> data_content_info(const std::string& content) {
  Pkcs7Ptr p7(PKCS7_new());
  check(p7 != nullptr && PKCS7_set_type(p7.get(), NID_pkcs7_data) == 1, "PKCS7_set_type");
  check(ASN1_OCTET_STRING_set(p7->d.data, reinterpret_cast<const unsigned char*>(content.data()),
                              static_cast<int>(content.size())) == 1,
        "ASN1_OCTET_STRING_set");
  return emulator::detail::pkcs7_der(p7.get());
}

std::string as_string(const std::vector<unsigned char>& der) {
  return std::string(reinterpret_cast<const char*>(der.data()), der.size());
}

std::size_t find_bytes(const std::vector<unsigned char>& der, const std::string& needle) {
  return as_string(der).find(needle);
}

std::vector<unsigned char> replace_bytes(std::vector<unsigned char> der, const std::string& from,
                                         const std::string& to) {
  if (from.empty() || from.size() != to.size()) {
    throw std::runtime_error("replace_bytes: `from` and `to` must have the same, non-zero length");
  }
  std::string text = as_string(der);
  std::size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("replace_bytes: pattern not found");
  for (; at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return std::vector<unsigned char>(text.begin(), text.end());
}

std::string base64(const std::vector<unsigned char>& der) { return emulator::detail::base64(der); }

std::string envelope(const std::vector<unsigned char>& der) {
  return R"({"encoding":"pkcs7","signature":")" + base64(der) + "\"}";
}

std::string imds_time(std::int64_t t) { return emulator::detail::imds_time(t); }

std::string payload(const std::string& nonce, std::int64_t created, std::int64_t expires,
                    const std::string& vm_id) {
  return R"({"licenseType":"Windows_Server","nonce":")" + nonce +
         R"(","plan":{"name":"","product":"","publisher":""},"sku":"2022-datacenter-azure-edition",)"
         R"("subscriptionId":"8d10da13-8125-4ba9-a717-bf7490507b3d","timeStamp":{"createdOn":")" +
         imds_time(created) + R"(","expiresOn":")" + imds_time(expires) + R"("},"vmId":")" +
         vm_id + "\"}";
}

Hierarchy make_hierarchy(const std::string& leaf_cn) {
  Hierarchy h;
  CertSpec root;
  root.cn = "hciattest Test Root CA";
  root.ca = true;
  root.eku = {};
  root.key_bits = 2048;
  root.not_before = kTestNow - 365 * kDay;
  root.not_after = kTestNow + 3650 * kDay;
  h.root = make_cert(root, nullptr);
  CertSpec inter;
  inter.cn = "hciattest Test TLS Issuing CA 01";
  inter.ca = true;
  inter.eku = {"serverAuth", "clientAuth"};
  inter.not_before = kTestNow - 200 * kDay;
  inter.not_after = kTestNow + 1000 * kDay;
  inter.ca_issuers = {"http://pki.test.invalid/root.crt"};
  h.intermediate = make_cert(inter, &h.root);
  CertSpec leaf;
  leaf.cn = leaf_cn;
  leaf.dns = {leaf_cn, "eastus." + leaf_cn};
  leaf.ca_issuers = {"http://pki.test.invalid/issuing-ca-01.crt"};
  h.leaf = make_cert(leaf, &h.intermediate);
  return h;
}

}  // namespace hciattest::testing
