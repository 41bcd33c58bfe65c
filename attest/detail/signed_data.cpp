#include "attest/detail/signed_data.h"

#include <openssl/objects.h>

namespace hciattest::attest::detail {
namespace {

using ContentInfoPtr =
    std::unique_ptr<HCI_CONTENT_INFO, Deleter<HCI_CONTENT_INFO, HCI_CONTENT_INFO_free>>;

Outcome fail(ErrorCode code, std::string message) {
  clear_openssl_errors();
  return {code, std::move(message)};
}

std::string oid_text(const ASN1_OBJECT* obj) {
  char buf[128];
  OBJ_obj2txt(buf, sizeof(buf), obj, 0);
  return buf;
}

Outcome signed_data_damaged() {
  return fail(ErrorCode::kPkcs7Malformed,
              "the SignedData body does not decode: the document is damaged");
}

constexpr std::size_t kMaxSignerIds = 8;

// The IssuerAndSerialNumber of `si` decoded as PKCS7_SIGNER_INFO_it decodes it inline; null when
// that would fail. Through `ids` when given.
IssuerAndSerialPtr decode_signer_id(const HCI_SIGNER_INFO* si, SignerIdCache* ids) {
  const ASN1_TYPE* t = si->issuer_and_serial;
  if (t == nullptr || t->type != V_ASN1_SEQUENCE) return nullptr;
  const unsigned char* data = ASN1_STRING_get0_data(t->value.sequence);
  const int len = ASN1_STRING_length(t->value.sequence);
  const std::string_view bytes(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
  if (ids != nullptr) {
    for (const auto& [known, decoded] : ids->entries) {
      if (known == bytes) return decoded;
    }
  }
  const unsigned char* p = data;
  PKCS7_ISSUER_AND_SERIAL* ias = d2i_PKCS7_ISSUER_AND_SERIAL(nullptr, &p, len);
  if (ias == nullptr || p != data + len) {
    PKCS7_ISSUER_AND_SERIAL_free(ias);
    return nullptr;
  }
  IssuerAndSerialPtr out(ias, PKCS7_ISSUER_AND_SERIAL_free);
  if (ids != nullptr) {
    if (ids->entries.size() >= kMaxSignerIds) ids->entries.erase(ids->entries.begin());
    ids->entries.emplace_back(std::string(bytes), out);
  }
  return out;
}

}  // namespace

namespace {

using SignedContentInfoPtr = std::unique_ptr<HCI_SIGNED_CONTENT_INFO,
                                             Deleter<HCI_SIGNED_CONTENT_INFO, HCI_SIGNED_CONTENT_INFO_free>>;

// The usual document: a signedData ContentInfo decoded with its SignedData in one pass, nothing
// after it. False (and nothing kept) for anything else.
bool decode_in_one_pass(const std::vector<unsigned char>& der, ParsedSignedData& out) {
  const unsigned char* p = der.data();
  SignedContentInfoPtr ci(d2i_HCI_SIGNED_CONTENT_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!ci || p != der.data() + der.size() || OBJ_obj2nid(ci->type) != NID_pkcs7_signed ||
      ci->signed_data == nullptr) {
    clear_openssl_errors();
    return false;
  }
  out.signed_data.reset(ci->signed_data);
  ci->signed_data = nullptr;
  return true;
}

// The ContentInfo first and then its content, so that a document the one pass does not take
// gets the reason: not DER, bytes after it, another content type, a damaged SignedData.
Outcome decode_in_two_passes(const std::vector<unsigned char>& der, ParsedSignedData& out) {
  const unsigned char* p = der.data();
  const unsigned char* end = der.data() + der.size();
  ContentInfoPtr ci(d2i_HCI_CONTENT_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!ci) {
    return fail(ErrorCode::kPkcs7Malformed,
                "the decoded signature is not a DER PKCS#7 ContentInfo (truncated or damaged): "
                "fetch the document again and pass the body unchanged");
  }
  if (p != end) {
    return fail(ErrorCode::kPkcs7Malformed,
                std::to_string(end - p) + " byte(s) follow the PKCS#7 structure: the document "
                "was altered or two documents were joined");
  }
  if (OBJ_obj2nid(ci->type) != NID_pkcs7_signed) {
    return fail(ErrorCode::kPkcs7NotSignedData,
                "the PKCS#7 content type is " + oid_text(ci->type) +
                    ", not signedData (1.2.840.113549.1.7.2): this is not an attested document");
  }
  if (ci->content == nullptr || ci->content->type != V_ASN1_SEQUENCE) {
    return fail(ErrorCode::kPkcs7Malformed, "the signedData ContentInfo has no SignedData body");
  }
  const ASN1_STRING* seq = ci->content->value.sequence;
  const unsigned char* q = ASN1_STRING_get0_data(seq);
  const unsigned char* qend = q + ASN1_STRING_length(seq);
  out.signed_data.reset(d2i_HCI_SIGNED_DATA(nullptr, &q, ASN1_STRING_length(seq)));
  if (!out.signed_data || q != qend) return signed_data_damaged();
  return {};
}

}  // namespace

Outcome parse_signed_data(const std::vector<unsigned char>& der, ParsedSignedData& out,
                          SignerIdCache* ids) {
  if (!decode_in_one_pass(der, out)) {
    if (Outcome o = decode_in_two_passes(der, out); o.code != ErrorCode::kOk) return o;
  }
  // Every SignerInfo's IssuerAndSerialNumber must decode too, as it would with PKCS7_it.
  IssuerAndSerialPtr first_id;
  for (int i = 0; i < sk_HCI_SIGNER_INFO_num(out.signed_data->signer_info); ++i) {
    IssuerAndSerialPtr id =
        decode_signer_id(sk_HCI_SIGNER_INFO_value(out.signed_data->signer_info, i), ids);
    if (id == nullptr) return signed_data_damaged();
    if (i == 0) first_id = std::move(id);
  }
  HCI_SIGNED_DATA* sd = out.signed_data.get();
  if (OBJ_obj2nid(sd->contents->type) != NID_pkcs7_data) {
    return fail(ErrorCode::kPkcs7Malformed,
                "the signed content type is " + oid_text(sd->contents->type) +
                    ", not data: IMDS signs a JSON text as data");
  }
  if (sd->contents->data == nullptr) {
    return fail(ErrorCode::kPkcs7Detached,
                "the signature is detached (no content inside the PKCS#7): an attested document "
                "carries its JSON inside the signature");
  }
  const int signers = sk_HCI_SIGNER_INFO_num(sd->signer_info);
  if (signers == 0) {
    return fail(ErrorCode::kPkcs7NoSigner, "the PKCS#7 has no SignerInfo: nothing signed it");
  }
  if (signers > 1) {
    return fail(ErrorCode::kPkcs7MultipleSigners,
                "the PKCS#7 has " + std::to_string(signers) +
                    " SignerInfos; IMDS documents have exactly one, and a second signer could "
                    "smuggle an unchecked identity");
  }
  out.signer = sk_HCI_SIGNER_INFO_value(sd->signer_info, 0);
  out.signer_id = std::move(first_id);
  out.content = std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(sd->contents->data)),
                                 static_cast<size_t>(ASN1_STRING_length(sd->contents->data)));
  for (int i = 0; i < sk_ASN1_TYPE_num(sd->certs); ++i) {
    const ASN1_TYPE* t = sk_ASN1_TYPE_value(sd->certs, i);
    if (t->type != V_ASN1_SEQUENCE) {
      return fail(ErrorCode::kPkcs7BadCertificate,
                  "embedded certificate " + std::to_string(i) + " is not a SEQUENCE");
    }
    out.certificates.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t->value.sequence)),
                                  static_cast<size_t>(ASN1_STRING_length(t->value.sequence)));
  }
  return {};
}

bool signer_matches(const ParsedSignedData& parsed, X509* cert) {
  const PKCS7_ISSUER_AND_SERIAL* ias = parsed.signer_id.get();
  return ias != nullptr && X509_NAME_cmp(ias->issuer, X509_get_issuer_name(cert)) == 0 &&
         ASN1_INTEGER_cmp(ias->serial, X509_get0_serialNumber(cert)) == 0;
}

namespace {

Outcome check_digest(const EVP_MD* md, const X509_ALGOR* alg) {
  if (md == nullptr) {
    return fail(ErrorCode::kSignatureUnsupportedAlgorithm,
                "the signature's digest algorithm " + oid_text(alg->algorithm) +
                    " is unknown to OpenSSL");
  }
  const int type = EVP_MD_get_type(md);
  if (type == NID_md5 || type == NID_sha1 || type == NID_md5_sha1 || type == NID_md4) {
    return fail(ErrorCode::kSignatureWeakAlgorithm,
                std::string("the document is signed with ") + OBJ_nid2sn(type) +
                    ", which is broken for signatures; real IMDS documents use SHA-256");
  }
  return {};
}

constexpr std::size_t kMaxKeptDigests = 4;

std::string_view oid_bytes(const ASN1_OBJECT* obj) {
  return {reinterpret_cast<const char*>(OBJ_get0_data(obj)), OBJ_length(obj)};
}

// The kept state for the digest algorithm `alg`, when an earlier document made it.
KeyedDigest* kept_digest(SignatureCache& cache, const ASN1_OBJECT* alg) {
  const std::string_view oid = oid_bytes(alg);
  for (KeyedDigest& k : cache.digests) {
    if (k.oid == oid) return &k;
  }
  return nullptr;
}

// The kept verification state for `key` and `md` (named by `alg`, checked by check_digest),
// made now; nullptr when the fast path does not apply (not an RSA key, a digest the default
// provider does not fetch, a full cache): the caller then takes EVP_DigestVerify, which reports
// what is wrong.
KeyedDigest* keep_digest(SignatureCache& cache, EVP_PKEY* key, const EVP_MD* md,
                         const ASN1_OBJECT* alg) {
  const int nid = EVP_MD_get_type(md);
  // For RSA, EVP_DigestVerify is hash-then-EVP_PKEY_verify with the same PKCS#1 v1.5 padding and
  // DigestInfo check; other key types (RSA-PSS parameters, SM2's Z value, EdDSA) differ.
  if (cache.digests.size() >= kMaxKeptDigests || !EVP_PKEY_is_a(key, "RSA")) return nullptr;
  KeyedDigest k;
  k.oid.assign(oid_bytes(alg));
  k.md.reset(EVP_MD_fetch(nullptr, OBJ_nid2sn(nid), nullptr));
  k.hash.reset(EVP_MD_CTX_new());
  k.verify.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!k.md || !k.hash || !k.verify || EVP_PKEY_verify_init(k.verify.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(k.verify.get(), k.md.get()) != 1) {
    clear_openssl_errors();
    return nullptr;
  }
  cache.digests.push_back(std::move(k));
  return &cache.digests.back();
}

// 1 valid, 0 invalid, -1 the kept state could not hash (take the general path).
int verify_kept(KeyedDigest& k, const ASN1_OCTET_STRING* signature, std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_DigestInit_ex2(k.hash.get(), k.md.get(), nullptr) != 1 ||
      EVP_DigestUpdate(k.hash.get(), content.data(), content.size()) != 1 ||
      EVP_DigestFinal_ex(k.hash.get(), digest, &digest_len) != 1) {
    clear_openssl_errors();
    return -1;
  }
  return EVP_PKEY_verify(k.verify.get(), ASN1_STRING_get0_data(signature),
                         static_cast<size_t>(ASN1_STRING_length(signature)), digest,
                         digest_len) == 1
             ? 1
             : 0;
}

// The IMDS shape: no signed attributes, the signature is over the content. IMDS writes
// sha256WithRSAEncryption where a digest OID belongs (FACTS.md); OpenSSL maps that OID to SHA-256
// through its digest aliases, as PKCS7_signatureVerify does.
Outcome verify_without_attributes(const ParsedSignedData& parsed, X509* cert,
                                  SignatureCache& cache) {
  const HCI_SIGNER_INFO* si = parsed.signer;
  // A digest algorithm seen before for this key was looked up and checked then: the lookup by
  // OID goes through OpenSSL's name maps and locks, a tenth of the RSA operation.
  KeyedDigest* kept = kept_digest(cache, si->digest_alg->algorithm);
  const EVP_MD* md = nullptr;
  EVP_PKEY* key = nullptr;
  if (kept == nullptr) {
    md = EVP_get_digestbyobj(si->digest_alg->algorithm);
    if (Outcome o = check_digest(md, si->digest_alg); o.code != ErrorCode::kOk) return o;
    key = X509_get0_pubkey(cert);
    if (key == nullptr) {
      return fail(ErrorCode::kPkcs7BadCertificate,
                  "the signer certificate's public key does not decode");
    }
    kept = keep_digest(cache, key, md, si->digest_alg->algorithm);
  }
  int rc = -1;
  if (kept != nullptr) rc = verify_kept(*kept, si->enc_digest, parsed.content);
  if (rc == -1) {
    if (md == nullptr) md = kept->md.get();
    if (key == nullptr) key = X509_get0_pubkey(cert);
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
      return fail(ErrorCode::kSignatureUnsupportedAlgorithm,
                  "OpenSSL cannot verify with this key and digest: " + drain_openssl_errors());
    }
    rc = EVP_DigestVerify(ctx.get(), ASN1_STRING_get0_data(si->enc_digest),
                          static_cast<size_t>(ASN1_STRING_length(si->enc_digest)),
                          reinterpret_cast<const unsigned char*>(parsed.content.data()),
                          parsed.content.size());
  }
  if (rc != 1) {
    return fail(ErrorCode::kSignatureInvalid,
                "the signature does not match the content and the signer's key: the document "
                "was altered after signing, or signed by another key");
  }
  return {};
}

// Signed attributes: let OpenSSL's PKCS#7 code do the whole job (digest attribute, signature over
// the DER SET of attributes). Chain checks are ours, so PKCS7_NOVERIFY.
Outcome verify_with_attributes(const std::vector<unsigned char>& der, X509* cert) {
  const unsigned char* p = der.data();
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  if (!p7) return fail(ErrorCode::kPkcs7Malformed, "the PKCS#7 does not decode fully");
  X509StackPtr certs(sk_X509_new_null());
  X509_up_ref(cert);
  sk_X509_push(certs.get(), cert);
  BioPtr sink(BIO_new(BIO_s_null()));
  const int rc = PKCS7_verify(p7.get(), certs.get(), nullptr, nullptr, sink.get(),
                              PKCS7_NOVERIFY | PKCS7_NOCHAIN | PKCS7_BINARY);
  if (rc != 1) {
    std::string why = drain_openssl_errors();
    if (why.find("digest") != std::string::npos && why.find("disabled") != std::string::npos) {
      return {ErrorCode::kSignatureWeakAlgorithm, "the signature uses a disabled digest: " + why};
    }
    return {ErrorCode::kSignatureInvalid,
            "the signature or its signed attributes do not match the content (" + why + ")"};
  }
  return {};
}

}  // namespace

Outcome verify_signature(const ParsedSignedData& parsed, const std::vector<unsigned char>& der,
                         X509* cert, SignatureCache& cache) {
  if (sk_X509_ATTRIBUTE_num(parsed.signer->auth_attr) > 0) {
    const EVP_MD* md = EVP_get_digestbyobj(parsed.signer->digest_alg->algorithm);
    if (Outcome o = check_digest(md, parsed.signer->digest_alg); o.code != ErrorCode::kOk) return o;
    return verify_with_attributes(der, cert);
  }
  return verify_without_attributes(parsed, cert, cache);
}

}  // namespace hciattest::attest::detail
