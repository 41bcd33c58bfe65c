#include "emulator/detail/x509_builder.h"

#include <openssl/pem.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <stdexcept>

#include "attest/payload.h"

namespace hciattest::emulator::detail {

using attest::detail::BioPtr;
using attest::detail::EvpPkeyPtr;
using attest::detail::Pkcs7Ptr;

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string(what) + ": " + attest::detail::drain_openssl_errors());
  }
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

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

std::atomic<long> g_serial{1000};

}  // namespace

std::string KeyedCert::pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x509.get());
  return bio_text(bio.get());
}

std::string KeyedCert::key_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio.get());
}

std::vector<unsigned char> KeyedCert::der() const { return attest::detail::to_der(x509.get()); }

KeyedCert issue(const CertRequest& spec, const KeyedCert* issuer, const KeyedCert* reuse_key) {
  KeyedCert c;
  if (reuse_key != nullptr) {
    EVP_PKEY_up_ref(reuse_key->key.get());
    c.key.reset(reuse_key->key.get());
  } else {
    c.key.reset(spec.ec_key ? EVP_EC_gen("P-256") : EVP_RSA_gen(static_cast<unsigned>(spec.key_bits)));
    check(c.key != nullptr, "key generation");
  }
  c.x509.reset(X509_new());
  X509* x = c.x509.get();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), spec.serial != 0 ? spec.serial : g_serial++);
  ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(spec.not_after));
  X509_NAME* name = X509_get_subject_name(x);
  if (!spec.organization.empty()) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.organization.c_str()),
                               -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.cn.data()),
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
  for (const auto& [ext_name, value] : spec.extensions) add_ext(x, issuer_x, ext_name, value);
  check(X509_sign(x, issuer_key, spec.md != nullptr ? spec.md : EVP_sha256()) > 0, "X509_sign");
  return c;
}

Pkcs7Ptr build_pkcs7(const std::string& content, const KeyedCert& signer,
                     const SignRequest& spec) {
  int flags = PKCS7_BINARY | PKCS7_PARTIAL;
  if (!spec.signed_attributes) flags |= PKCS7_NOATTR;
  if (spec.detached) flags |= PKCS7_DETACHED;
  if (!spec.embed_signer) flags |= PKCS7_NOCERTS;
  Pkcs7Ptr p7(PKCS7_sign(nullptr, nullptr, nullptr, nullptr, flags));
  check(p7 != nullptr, "PKCS7_sign");
  const EVP_MD* md = spec.md != nullptr ? spec.md : EVP_sha256();
  std::vector<const KeyedCert*> signers{&signer};
  signers.insert(signers.end(), spec.extra_signers.begin(), spec.extra_signers.end());
  for (const KeyedCert* s : signers) {
    check(PKCS7_sign_add_signer(p7.get(), s->x509.get(), s->key.get(), md, flags) != nullptr,
          "PKCS7_sign_add_signer");
  }
  for (const KeyedCert* c : spec.extra_certs) PKCS7_add_certificate(p7.get(), c->x509.get());
  BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  check(PKCS7_final(p7.get(), in.get(), flags) == 1, "PKCS7_final");
  if (spec.azure_digest_oid && !spec.signed_attributes && EVP_MD_get_type(md) == NID_sha256) {
    // Without signed attributes the digest OID is not covered by the signature, so rewriting it
    // keeps the document valid while reproducing IMDS's quirk.
    STACK_OF(PKCS7_SIGNER_INFO)* sis = PKCS7_get_signer_info(p7.get());
    for (int i = 0; i < sk_PKCS7_SIGNER_INFO_num(sis); ++i) {
      X509_ALGOR_set0(sk_PKCS7_SIGNER_INFO_value(sis, i)->digest_alg,
                      OBJ_nid2obj(NID_sha256WithRSAEncryption), V_ASN1_NULL, nullptr);
    }
  }
  return p7;
}

std::vector<unsigned char> pkcs7_der(PKCS7* p7) {
  const int len = i2d_PKCS7(p7, nullptr);
  check(len > 0, "i2d_PKCS7");
  std::vector<unsigned char> der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_PKCS7(p7, &p);
  return der;
}

std::vector<unsigned char> sign_pkcs7(const std::string& content, const KeyedCert& signer,
                                      const SignRequest& spec) {
  return pkcs7_der(build_pkcs7(content, signer, spec).get());
}

std::string base64(const std::vector<unsigned char>& der) {
  std::string out(4 * ((der.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), der.data(),
                                static_cast<int>(der.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string imds_time(std::int64_t t) {
  const std::string iso = attest::format_iso8601(t);  // YYYY-MM-DDTHH:MM:SSZ
  return iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + iso.substr(2, 2) + " " +
         iso.substr(11, 8) + " -0000";
}

KeyedCert load_cert(const std::string& cert_pem) {
  KeyedCert c;
  BioPtr cb(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  c.x509.reset(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  check(c.x509 != nullptr, "PEM_read_bio_X509");
  return c;
}

KeyedCert load_keyed_cert(const std::string& cert_pem, const std::string& key_pem) {
  KeyedCert c = load_cert(cert_pem);
  BioPtr kb(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  c.key.reset(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  check(c.key != nullptr, "PEM_read_bio_PrivateKey");
  check(X509_check_private_key(c.x509.get(), c.key.get()) == 1, "X509_check_private_key");
  return c;
}

}  // namespace hciattest::emulator::detail
