#include "attest/detail/chain.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <set>

#include "attest/detail/certificate.h"

namespace hciattest::attest::detail {
namespace {

// What the verify callback let through: time errors (reported by the validity check instead)
// and the signer's purpose (the signer check owns its EKU verdict and message).
struct Deferred {
  int weak_error = 0;
  int weak_depth = -1;
  int time_error = 0;
  int time_depth = -1;
  std::string time_subject;
};

int verify_callback(int ok, X509_STORE_CTX* ctx) {
  if (ok) return 1;
  const int err = X509_STORE_CTX_get_error(ctx);
  const int depth = X509_STORE_CTX_get_error_depth(ctx);
  auto* deferred = static_cast<Deferred*>(X509_STORE_CTX_get_app_data(ctx));
  if (err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID) {
    if (deferred->time_error == 0) {
      deferred->time_error = err;
      deferred->time_depth = depth;
      deferred->time_subject =
          name_to_string(X509_get_subject_name(X509_STORE_CTX_get_current_cert(ctx)));
    }
    // Clear the error: OpenSSL's path builder skips its own later diagnoses (e.g. "self-signed")
    // while an error is pending, which would let an untrusted path through.
    X509_STORE_CTX_set_error(ctx, X509_V_OK);
    return 1;
  }
  if (err == X509_V_ERR_INVALID_PURPOSE && depth == 0) {
    X509_STORE_CTX_set_error(ctx, X509_V_OK);
    return 1;
  }
  // Weak keys and digests are reported after trust errors: "self-signed" or "untrusted root"
  // says more than "weak key" about a certificate nobody should trust anyway.
  if (err == X509_V_ERR_CA_MD_TOO_WEAK || err == X509_V_ERR_EE_KEY_TOO_SMALL ||
      err == X509_V_ERR_CA_KEY_TOO_SMALL) {
    if (deferred->weak_error == 0) {
      deferred->weak_error = err;
      deferred->weak_depth = depth;
    }
    X509_STORE_CTX_set_error(ctx, X509_V_OK);
    return 1;
  }
  return 0;
}

ErrorCode map_error(int err) {
  switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return ErrorCode::kChainIssuerMissing;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return ErrorCode::kChainUntrustedRoot;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return ErrorCode::kChainSelfSignedLeaf;
    case X509_V_ERR_CA_MD_TOO_WEAK:
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
      return ErrorCode::kChainWeakAlgorithm;
    default:
      return ErrorCode::kChainInvalid;
  }
}

X509Ptr parse_fetched(const std::string& bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
  if (!cert) {
    BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  }
  clear_openssl_errors();
  return cert;
}

std::string join_urls(const std::vector<std::string>& urls) {
  std::string out;
  for (const auto& u : urls) out += (out.empty() ? "" : " or ") + u;
  return out;
}

std::string chain_failure_message(ErrorCode code, int err, X509* at, int depth) {
  const std::string subject = name_to_string(X509_get_subject_name(at));
  const std::string issuer = name_to_string(X509_get_issuer_name(at));
  switch (code) {
    case ErrorCode::kChainIssuerMissing: {
      CertificateSummary s = summarize(at, {});
      std::string where = s.ca_issuers_urls.empty()
                              ? "the certificate names no AIA \"CA Issuers\" address; ask the "
                                "issuer's operator for it"
                              : "download it from " + join_urls(s.ca_issuers_urls);
      // A future intermediate (say "... OCSP 18") lands here until a release bundles it: the
      // message names it, where to get it, and every way to supply it.
      return "the issuer \"" + issuer + "\" of \"" + subject +
             "\" is in neither the bundled anchors nor --ca-file/--intermediates-file: " + where +
             ", then pass it with --intermediates-file FILE (it stays untrusted: the chain must "
             "still reach a bundled root); or rerun with --fetch-intermediates to download it "
             "from the allow-listed Microsoft/DigiCert hosts; or update hciattest, as a newer "
             "release bundles the CAs Azure has added";
    }
    case ErrorCode::kChainUntrustedRoot:
      return "the chain ends at root \"" + subject +
             "\", which is not a trusted anchor: this document was not signed under a Microsoft "
             "PKI. Trust that root only if you know it (--ca-file)";
    case ErrorCode::kChainSelfSignedLeaf:
      return "the signer \"" + subject +
             "\" is self-signed: anyone can make such a certificate (Microsoft's documentation "
             "sample is one); real documents chain to a Microsoft CA";
    case ErrorCode::kChainWeakAlgorithm:
      return "\"" + subject + "\" (depth " + std::to_string(depth) + ") uses a weak key or "
             "digest (" + X509_verify_cert_error_string(err) + "): refused at security level 2";
    default:
      return "the chain fails at \"" + subject + "\" (depth " + std::to_string(depth) + "): " +
             X509_verify_cert_error_string(err);
  }
}

}  // namespace

ChainOutcome verify_chain(X509* signer, const std::vector<X509*>& embedded,
                          const TrustStoreImpl& trust, std::int64_t time,
                          const IssuerFetcher& fetch, int max_fetches) {
  ChainOutcome out;
  out.chain = {"chain", "certificate chain to a trusted anchor", CheckStatus::kFail,
               ErrorCode::kChainInvalid, {}};
  out.validity = {"validity", "certificates valid at the verification time", CheckStatus::kSkip,
                  ErrorCode::kOk, "the chain did not build"};
  X509StackPtr untrusted(sk_X509_new_null());
  auto add_untrusted = [&untrusted](X509* c) {
    X509_up_ref(c);
    sk_X509_push(untrusted.get(), c);
  };
  for (X509* c : embedded) add_untrusted(c);
  for (int i = 0; i < sk_X509_num(trust.intermediates.get()); ++i) {
    add_untrusted(sk_X509_value(trust.intermediates.get(), i));
  }
  std::vector<bool> bundled_taken;
  std::set<std::string> fetched_digests;
  int fetches = 0;
  while (true) {
    add_bundled_issuers(trust, signer, untrusted.get(), bundled_taken);
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    Deferred deferred;
    if (!ctx || X509_STORE_CTX_init(ctx.get(), trust.store.get(), signer, untrusted.get()) != 1) {
      out.chain.message = "OpenSSL could not start a verification: " + drain_openssl_errors();
      return out;
    }
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(time));
    // Level 2: RSA >= 2048 bits, no SHA-1 or MD5 signatures anywhere below the anchor.
    X509_VERIFY_PARAM_set_auth_level(param, 2);
    if (trust.partial_chain) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    // SSL-server purpose, not the S/MIME default that rejects every real signer (FACTS.md).
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    X509_STORE_CTX_set_verify_cb(ctx.get(), verify_callback);
    X509_STORE_CTX_set_app_data(ctx.get(), &deferred);

    int ok = X509_verify_cert(ctx.get());
    STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
    // Belt and braces: a passing path must end at a certificate from the trust store.
    if (ok == 1 && X509_STORE_CTX_get_num_untrusted(ctx.get()) >= sk_X509_num(built)) {
      ok = 0;
      X509_STORE_CTX_set_error(ctx.get(), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
      X509_STORE_CTX_set_error_depth(ctx.get(), sk_X509_num(built) - 1);
      X509_STORE_CTX_set_current_cert(ctx.get(), sk_X509_value(built, sk_X509_num(built) - 1));
    }
    std::vector<CertificateSummary> path;
    out.window_begin = INT64_MIN;
    out.window_end = INT64_MAX;
    for (int i = 0; i < sk_X509_num(built); ++i) {
      X509* c = sk_X509_value(built, i);
      CertificateSummary s = summarize(c, {});
      auto origin = trust.origins.find(s.sha256_hex);
      s.origin = i == 0 ? "embedded"
                 : origin != trust.origins.end()         ? origin->second
                 : fetched_digests.count(s.sha256_hex)   ? "fetched"
                 : X509_check_issued(c, c) == X509_V_OK  ? "system"
                                                         : "embedded";
      path.push_back(std::move(s));
      std::int64_t nb = 0, na = 0;
      if (validity_seconds(c, nb, na)) {
        out.window_begin = std::max(out.window_begin, nb);
        out.window_end = std::min(out.window_end, na);
      }
    }
    out.certificates = CertificatePath(std::move(path));
    if (ok == 1 && deferred.weak_error != 0) {
      X509* weak = sk_X509_value(built, deferred.weak_depth);
      out.chain.code = ErrorCode::kChainWeakAlgorithm;
      out.chain.message = chain_failure_message(out.chain.code, deferred.weak_error,
                                                weak != nullptr ? weak : signer,
                                                deferred.weak_depth);
      clear_openssl_errors();
      return out;
    }
    if (ok == 1) {
      out.chain.status = CheckStatus::kPass;
      out.chain.code = ErrorCode::kOk;
      out.chain.message = "chains to \"" + out.certificates.back().subject + "\" (" +
                          out.certificates.back().origin + ")";
      if (deferred.time_error == 0) {
        out.validity = {"validity", out.validity.title, CheckStatus::kPass, ErrorCode::kOk,
                        "every certificate of the chain is valid at the verification time"};
      } else {
        const bool expired = deferred.time_error == X509_V_ERR_CERT_HAS_EXPIRED;
        out.validity.status = CheckStatus::kFail;
        out.validity.code = expired ? ErrorCode::kChainCertExpired : ErrorCode::kChainCertNotYetValid;
        out.validity.message =
            std::string(deferred.time_depth == 0 ? "the signer certificate \"" : "the CA certificate \"") +
            deferred.time_subject + (expired ? "\" has expired" : "\" is not yet valid") +
            " at the verification time: " +
            (expired ? "a document signed with it is stale; fetch a fresh one (or pass --at with "
                       "the time it was collected)"
                     : "check this machine's clock, or pass --at");
      }
      clear_openssl_errors();
      return out;
    }
    const int err = X509_STORE_CTX_get_error(ctx.get());
    const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    X509* at = X509_STORE_CTX_get_current_cert(ctx.get());
    if (at == nullptr) at = signer;
    out.chain.code = map_error(err);
    out.chain.message = chain_failure_message(out.chain.code, err, at, depth);
    clear_openssl_errors();
    if (out.chain.code != ErrorCode::kChainIssuerMissing || !fetch || fetches >= max_fetches) {
      return out;
    }
    // Opt-in AIA fetch: the fetched certificate is one more untrusted candidate.
    bool added = false;
    for (const auto& url : summarize(at, {}).ca_issuers_urls) {
      if (fetches >= max_fetches) break;
      ++fetches;
      out.fetched_urls.push_back(url);
      FetchedIssuer got = fetch(url);
      if (!got.error.empty()) {
        out.chain.message += " [fetch " + url + ": " + got.error + "]";
        continue;
      }
      X509Ptr cert = parse_fetched(got.bytes);
      if (!cert || X509_check_issued(cert.get(), at) != X509_V_OK) {
        out.chain.message += " [fetch " + url + ": not the issuer's certificate]";
        continue;
      }
      auto der = to_der(cert.get());
      fetched_digests.insert(to_hex(sha256(der.data(), der.size())));
      sk_X509_push(untrusted.get(), cert.release());
      added = true;
      break;
    }
    if (!added) return out;
  }
}

}  // namespace hciattest::attest::detail
