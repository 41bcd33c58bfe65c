#include "tests/support/test_pki.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <stdexcept>

#include "attest/payload.h"

namespace hciattest::testing {

using attest::detail::BioPtr;
using attest::detail::EvpPkeyPtr;
using attest::detail::Pkcs7Ptr;
using attest::detail::X509Ptr;

namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string(what) + ": " + attest::detail::drain_openssl_errors());
}

EvpPkeyPtr make_key(int bits) {
  EvpPkeyPtr key(EVP_RSA_gen(static_cast<unsigned>(bits)));
  check(key != nullptr, "EVP_RSA_gen");
  return key;
}

EvpPkeyPtr make_ec_key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// By name or dotted OID, so that unknown extensions can be made too ("critical,DER:...").
void add_ext(X509* cert, X509* issuer, const std::string& name, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf(nullptr, &ctx, name.c_str(), value.c_str());
  check(ext != nullptr, "X509V3_EXT_nconf");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string join(const std::vector<std::string>& v, const std::string& prefix) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + prefix + s;
  return out;
}

std::atomic<long> g_serial{1000};

std::vector<unsigned char> pkcs7_der(PKCS7* p7) {
  int len = i2d_PKCS7(p7, nullptr);
  check(len > 0, "i2d_PKCS7");
  std::vector<unsigned char> der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_PKCS7(p7, &p);
  return der;
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

std::string Cert::pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x509.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::vector<unsigned char> Cert::der() const { return attest::detail::to_der(x509.get()); }

Cert make_cert(const CertSpec& spec, const Cert* issuer, const Cert* reuse_key) {
  Cert c;
  if (reuse_key != nullptr) {
    EVP_PKEY_up_ref(reuse_key->key.get());
    c.key.reset(reuse_key->key.get());
  } else {
    c.key = spec.ec_key ? make_ec_key() : make_key(spec.key_bits);
  }
  c.x509.reset(X509_new());
  X509* x = c.x509.get();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), spec.serial != 0 ? spec.serial : g_serial++);
  ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(spec.not_after));
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("hciattest test PKI"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.cn.c_str()),
                             static_cast<int>(spec.cn.size()), -1, 0);
  X509* issuer_x = issuer != nullptr ? issuer->x509.get() : x;
  EVP_PKEY* issuer_key = issuer != nullptr ? issuer->key.get() : c.key.get();
  X509_set_issuer_name(x, X509_get_subject_name(issuer_x));
  X509_set_pubkey(x, c.key.get());
  add_ext(x, issuer_x, NID_subject_key_identifier, "hash");
  if (issuer != nullptr) add_ext(x, issuer_x, NID_authority_key_identifier, "keyid:always");
  if (spec.ca) {
    std::string constraints = "critical,CA:TRUE";
    if (spec.path_len >= 0) constraints += ",pathlen:" + std::to_string(spec.path_len);
    add_ext(x, issuer_x, NID_basic_constraints, constraints);
    const char* usage = "critical,keyCertSign,cRLSign,digitalSignature";
    add_ext(x, issuer_x, NID_key_usage, spec.key_usage.empty() ? usage : spec.key_usage);
  } else {
    add_ext(x, issuer_x, NID_basic_constraints, "critical,CA:FALSE");
    const char* usage = "critical,digitalSignature,keyEncipherment";
    add_ext(x, issuer_x, NID_key_usage, spec.key_usage.empty() ? usage : spec.key_usage);
  }
  if (!spec.eku.empty()) add_ext(x, issuer_x, NID_ext_key_usage, join(spec.eku, ""));
  if (!spec.dns.empty()) add_ext(x, issuer_x, NID_subject_alt_name, join(spec.dns, "DNS:"));
  if (!spec.ca_issuers.empty()) {
    add_ext(x, issuer_x, NID_info_access, join(spec.ca_issuers, "caIssuers;URI:"));
  }
  for (const auto& [name, value] : spec.extensions) add_ext(x, issuer_x, name, value);
  const EVP_MD* md = spec.md != nullptr ? spec.md : EVP_sha256();
  check(X509_sign(x, issuer_key, md) > 0, "X509_sign");
  return c;
}

std::vector<unsigned char> sign(const std::string& content, const Cert& signer,
                                const SignSpec& spec) {
  int flags = PKCS7_BINARY | PKCS7_PARTIAL;
  if (!spec.signed_attributes) flags |= PKCS7_NOATTR;
  if (spec.detached) flags |= PKCS7_DETACHED;
  if (!spec.embed_signer) flags |= PKCS7_NOCERTS;
  Pkcs7Ptr p7(PKCS7_sign(nullptr, nullptr, nullptr, nullptr, flags));
  check(p7 != nullptr, "PKCS7_sign");
  const EVP_MD* md = spec.md != nullptr ? spec.md : EVP_sha256();
  std::vector<const Cert*> signers{&signer};
  signers.insert(signers.end(), spec.extra_signers.begin(), spec.extra_signers.end());
  for (const Cert* s : signers) {
    PKCS7_SIGNER_INFO* si = PKCS7_sign_add_signer(p7.get(), s->x509.get(), s->key.get(), md, flags);
    check(si != nullptr, "PKCS7_sign_add_signer");
  }
  for (const Cert* c : spec.extra_certs) PKCS7_add_certificate(p7.get(), c->x509.get());
  BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  check(PKCS7_final(p7.get(), in.get(), flags) == 1, "PKCS7_final");
  STACK_OF(PKCS7_SIGNER_INFO)* sis = PKCS7_get_signer_info(p7.get());
  if (spec.azure_digest_oid && !spec.signed_attributes && EVP_MD_get_type(md) == NID_sha256) {
    // IMDS writes the signature algorithm OID where the digest OID belongs (FACTS.md).
    for (int i = 0; i < sk_PKCS7_SIGNER_INFO_num(sis); ++i) {
      X509_ALGOR_set0(sk_PKCS7_SIGNER_INFO_value(sis, i)->digest_alg,
                      OBJ_nid2obj(NID_sha256WithRSAEncryption), V_ASN1_NULL, nullptr);
    }
  }
  forge_signer_info(sk_PKCS7_SIGNER_INFO_value(sis, 0), content, md, spec);
  if (spec.strip_signers) {
    while (sk_PKCS7_SIGNER_INFO_num(sis) > 0) {
      PKCS7_SIGNER_INFO_free(sk_PKCS7_SIGNER_INFO_pop(sis));
    }
  }
  return pkcs7_der(p7.get());
}

std::vector<unsigned char> data_content_info(const std::string& content) {
  Pkcs7Ptr p7(PKCS7_new());
  check(p7 != nullptr && PKCS7_set_type(p7.get(), NID_pkcs7_data) == 1, "PKCS7_set_type");
  check(ASN1_OCTET_STRING_set(p7->d.data, reinterpret_cast<const unsigned char*>(content.data()),
                              static_cast<int>(content.size())) == 1,
        "ASN1_OCTET_STRING_set");
  return pkcs7_der(p7.get());
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

std::string base64(const std::vector<unsigned char>& der) {
  std::string out(4 * ((der.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), der.data(),
                          static_cast<int>(der.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string envelope(const std::vector<unsigned char>& der) {
  return R"({"encoding":"pkcs7","signature":")" + base64(der) + "\"}";
}

std::string imds_time(std::int64_t t) {
  // Reuse the ISO formatter and rearrange: YYYY-MM-DDTHH:MM:SSZ -> MM/DD/YY HH:MM:SS -0000.
  const std::string iso = attest::format_iso8601(t);
  return iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + iso.substr(2, 2) + " " +
         iso.substr(11, 8) + " -0000";
}

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
