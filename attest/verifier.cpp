#include "attest/verifier.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <unordered_map>

#include "attest/detail/certificate.h"
#include "attest/detail/chain.h"
#include "attest/detail/signed_data.h"
#include "attest/signer_policy.h"

namespace hciattest::attest {

std::string_view status_id(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass: return "pass";
    case CheckStatus::kFail: return "fail";
    case CheckStatus::kSkip: return "skip";
  }
  return "skip";
}

namespace {

using detail::X509Ptr;

// One decoded certificate, with what does not depend on the document: its summary, the signer
// policy verdict, and the last chain outcome with the time and the document's other
// certificates it was computed for.
struct CertEntry {
  std::string der;  // the cache key's bytes (the key is a view of them)
  X509Ptr cert;
  std::shared_ptr<const CertificateSummary> summary;
  CheckResult signer_check;
  bool has_chain = false;
  std::int64_t chain_time = 0;
  // The path depends on the untrusted candidates too. Held (up-ref'd) so that their addresses
  // cannot be reused by other certificates: the same pointers mean the same certificates.
  std::vector<X509Ptr> chain_embedded;
  detail::ChainOutcome chain;
  detail::SignatureCache signature;  // the key's verification contexts, by digest
};

constexpr std::size_t kMaxCacheEntries = 4096;

bool same_candidates(const std::vector<X509Ptr>& held, const std::vector<X509*>& embedded) {
  return held.size() == embedded.size() &&
         std::equal(embedded.begin(), embedded.end(), held.begin(),
                    [](X509* a, const X509Ptr& b) { return a == b.get(); });
}

// A check not run yet; if it is still pending when the report is finished, an earlier check
// failed (the message is filled in then, so a passing document does not pay for it).
CheckResult pending(std::string_view id, std::string_view title) {
  return {id, title, CheckStatus::kSkip, ErrorCode::kOk, {}};
}

// One allocation for a message made of pieces, instead of one per `+`.
std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out.append(p);
  return out;
}

// Certificates of the built path above the signer that expire within the warning window: the
// 2026 rotation broke verifiers whose bundled intermediates ran out (FACTS.md, "Trust rotation").
void add_expiry_warnings(VerificationReport& report, const VerifyOptions& options) {
  if (options.expiry_warning_seconds <= 0) return;
  for (std::size_t i = 1; i < report.chain.size(); ++i) {
    const CertificateSummary& c = report.chain[i];
    const std::int64_t left = c.not_after_unix - options.time;
    if (c.not_after_unix == 0 || left < 0 || left > options.expiry_warning_seconds) continue;
    const std::int64_t days = left / 86400;
    ChainWarning w{"ca_expiring", c.subject, c.origin, c.not_after, left, {}};
    w.message = concat({"\"", c.subject, "\" (", c.origin, ") in this document's chain expires on ",
                        c.not_after, ", in ", std::to_string(days), days == 1 ? " day" : " days",
                        ": documents will be refused from then on unless the signer's chain moves "
                        "to another CA. Update hciattest (a newer release bundles the successor), "
                        "or pass the successor with --intermediates-file; `hciattest anchors "
                        "--expiring-within 60` lists what is affected"});
    report.warnings.push_back(std::move(w));
  }
}

}  // namespace

struct Verifier::Impl {
  std::shared_ptr<const TrustStore> trust;
  VerifyOptions options;
  // Keyed by the DER itself, viewed in the entry: hashing it (SHA-256) or copying it into a key
  // for each lookup cost more per document than the lookup (measured with scripts/bench-verify).
  std::unordered_map<std::string_view, std::shared_ptr<CertEntry>> cache;
  // The entries the last documents used, checked (by size and bytes) before hashing the DER for
  // the map: a batch's documents mostly come from one signer.
  std::array<std::shared_ptr<CertEntry>, 4> recent;
  std::size_t recent_next = 0;
  detail::SignerIdCache signer_ids;  // decoded SignerInfo issuer and serial numbers
  VerifierStats stats;

  std::shared_ptr<CertEntry> certificate(std::string_view der, bool& bad);
  void remember(const std::shared_ptr<CertEntry>& entry) {
    recent[recent_next] = entry;
    recent_next = (recent_next + 1) % recent.size();
  }
  const detail::ChainOutcome& chain_for(CertEntry& entry, const std::vector<X509*>& embedded);
  void check_payload(const std::string_view content, const std::optional<std::string>& expected,
                     VerificationReport& report, CheckResult& payload, CheckResult& nonce,
                     CheckResult& timestamp) const;
};

std::shared_ptr<CertEntry> Verifier::Impl::certificate(std::string_view der, bool& bad) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  if (options.cache) {
    for (const auto& r : recent) {
      if (r && r->der.size() == der.size() &&
          std::memcmp(r->der.data(), der.data(), der.size()) == 0) {
        ++stats.certificate_cache_hits;
        return r;
      }
    }
    auto it = cache.find(der);
    if (it != cache.end()) {
      ++stats.certificate_cache_hits;
      remember(it->second);
      return it->second;
    }
  }
  ++stats.certificate_decodes;
  const unsigned char* p = bytes;
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != bytes + der.size()) {
    detail::clear_openssl_errors();
    bad = true;
    return nullptr;
  }
  auto entry = std::make_shared<CertEntry>();
  entry->summary =
      std::make_shared<const CertificateSummary>(detail::summarize(cert.get(), "embedded"));
  // An extension that does not decode leaves errors on OpenSSL's queue (X509_get_ext_d2i): drain
  // them, or they would show up in a later check's or document's diagnosis (found by fuzzing).
  detail::clear_openssl_errors();
  entry->cert = std::move(cert);
  if (options.cache) {
    if (cache.size() >= kMaxCacheEntries) {
      cache.clear();
      recent = {};
    }
    entry->der.assign(der);
    cache.emplace(entry->der, entry);
    remember(entry);
  }
  return entry;
}

const detail::ChainOutcome& Verifier::Impl::chain_for(CertEntry& entry,
                                                      const std::vector<X509*>& embedded) {
  const std::int64_t t = options.time;
  if (entry.has_chain) {
    // A path that passed and stays time-valid gives the same verdict at any time in its window.
    const auto& c = entry.chain;
    const bool same_time = entry.chain_time == t;
    const bool still_valid = c.chain.status == CheckStatus::kPass &&
                             c.validity.status == CheckStatus::kPass && t >= c.window_begin &&
                             t <= c.window_end;
    // Only for the same candidates: otherwise a verdict would depend on earlier documents.
    if (same_candidates(entry.chain_embedded, embedded) && (same_time || still_valid)) {
      return entry.chain;
    }
  }
  ++stats.chain_builds;
  entry.chain = detail::verify_chain(entry.cert.get(), embedded, trust->impl(), t,
                                     options.fetch_issuer, options.max_issuer_fetches);
  entry.chain_time = t;
  entry.chain_embedded.clear();
  for (X509* c : embedded) {
    X509_up_ref(c);
    entry.chain_embedded.emplace_back(c);
  }
  entry.has_chain = true;
  return entry.chain;
}

void Verifier::Impl::check_payload(std::string_view content,
                                   const std::optional<std::string>& expected,
                                   VerificationReport& report, CheckResult& payload,
                                   CheckResult& nonce, CheckResult& timestamp) const {
  PayloadResult pr = parse_payload(content);
  if (pr.code != ErrorCode::kOk && pr.code != ErrorCode::kTimestampUnparsable) {
    payload = {"payload", payload.title, CheckStatus::kFail, pr.code, pr.message};
    return;
  }
  const Payload& p = report.payload.emplace(std::move(pr.payload));
  payload = {"payload", payload.title, CheckStatus::kPass, ErrorCode::kOk,
             concat({"vmId ", p.vm_id.empty() ? std::string_view("(empty)") : p.vm_id})};
  if (!expected) {
    nonce = {"nonce", nonce.title, CheckStatus::kSkip, ErrorCode::kOk,
             "no --nonce given: the document's freshness is not proven (its nonce is \"" +
                 p.nonce + "\")"};
  } else if (*expected != p.nonce) {
    nonce = {"nonce", nonce.title, CheckStatus::kFail, ErrorCode::kNonceMismatch,
             "the document carries nonce \"" + p.nonce + "\", not the \"" +
                 *expected +
                 "\" that was sent. IMDS may answer from its cache with an earlier request's "
                 "document (MicrosoftDocs/azure-docs #43938): request again once; if it persists "
                 "the document is replayed"};
  } else {
    nonce = {"nonce", nonce.title, CheckStatus::kPass, ErrorCode::kOk, "nonce matches"};
  }
  if (pr.code == ErrorCode::kTimestampUnparsable) {
    timestamp = {"timestamp", timestamp.title, CheckStatus::kFail, pr.code, pr.message};
    return;
  }
  const std::int64_t skew = options.timestamp_skew_seconds;
  const std::int64_t t = options.time;
  if (t > p.expires_on + skew) {
    timestamp = {"timestamp", timestamp.title, CheckStatus::kFail, ErrorCode::kTimestampExpired,
                 "the document expired at " + p.expires_on_text + " (" +
                     std::to_string((t - p.expires_on) / 60) +
                     " min before the verification time): fetch a fresh document, or pass --at "
                     "with the time it was collected"};
  } else if (t < p.created_on - skew) {
    timestamp = {"timestamp", timestamp.title, CheckStatus::kFail,
                 ErrorCode::kTimestampNotYetValid,
                 "the document was created at " + p.created_on_text +
                     ", after the verification time: check this machine's clock (NTP) or --at"};
  } else {
    timestamp = {"timestamp", timestamp.title, CheckStatus::kPass, ErrorCode::kOk,
                 concat({"valid ", p.created_on_text, " to ", p.expires_on_text})};
  }
}

Verifier::Verifier(std::shared_ptr<const TrustStore> trust, VerifyOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->trust = std::move(trust);
  impl_->options = std::move(options);
  if (impl_->options.signer_domains.empty()) {
    impl_->options.signer_domains = *signer_domains_for_cloud("");
  }
}

Verifier::~Verifier() = default;

const VerifyOptions& Verifier::options() const { return impl_->options; }
void Verifier::set_expected_nonce(std::optional<std::string> nonce) {
  impl_->options.expected_nonce = std::move(nonce);
}
VerifierStats Verifier::stats() const { return impl_->stats; }

VerificationReport Verifier::verify(std::string_view document) {
  ++impl_->stats.documents;
  VerificationReport report;
  CheckResult envelope = pending("envelope", "response envelope");
  CheckResult structure = pending("structure", "PKCS#7 SignedData structure");
  CheckResult signature = pending("signature", "signature over the content");
  CheckResult chain = pending("chain", "certificate chain to a trusted anchor");
  CheckResult validity = pending("validity", "certificates valid at the verification time");
  CheckResult signer = pending("signer", "signer name and key usage");
  CheckResult payload = pending("payload", "signed payload");
  CheckResult nonce = pending("nonce", "nonce matches the request");
  CheckResult timestamp = pending("timestamp", "document timeStamp window");

  // Called once, on the way out: the checks and the report are moved, not copied.
  auto finish = [&]() {
    report.checks.reserve(std::size(kCheckOrder));
    for (CheckResult* c : {&envelope, &structure, &signature, &chain, &validity, &signer, &payload,
                           &nonce, &timestamp}) {
      if (c->status == CheckStatus::kSkip && c->message.empty()) {
        c->message = "not reached: an earlier check failed";
      }
      report.checks.push_back(std::move(*c));
    }
    report.verified = true;
    for (const auto& c : report.checks) {
      if (c.status == CheckStatus::kFail) {
        report.verified = false;
        report.code = c.code;
        report.message = c.message;
        break;
      }
    }
    return std::move(report);
  };

  EnvelopeResult env =
      decode_envelope(document, impl_->options.max_document_bytes, impl_->options.nonce_member);
  report.input_form = env.form;
  if (env.code != ErrorCode::kOk) {
    envelope = {"envelope", envelope.title, CheckStatus::kFail, env.code, env.message};
    return finish();
  }
  envelope = {"envelope", envelope.title, CheckStatus::kPass, ErrorCode::kOk,
              concat({"read ", env.form, " (", std::to_string(env.der.size()), " DER bytes)"})};

  detail::ParsedSignedData parsed;
  detail::SignerIdCache* ids = impl_->options.cache ? &impl_->signer_ids : nullptr;
  if (detail::Outcome o = detail::parse_signed_data(env.der, parsed, ids);
      o.code != ErrorCode::kOk) {
    structure = {"structure", structure.title, CheckStatus::kFail, o.code, o.message};
    return finish();
  }
  // Find the certificate the SignerInfo names; the others are untrusted chain candidates.
  std::shared_ptr<CertEntry> signer_entry;
  std::vector<std::shared_ptr<CertEntry>> others;
  for (std::string_view der : parsed.certificates) {
    bool bad = false;
    auto entry = impl_->certificate(der, bad);
    if (bad) {
      structure = {"structure", structure.title, CheckStatus::kFail,
                   ErrorCode::kPkcs7BadCertificate,
                   "an embedded certificate does not decode: the document is damaged"};
      return finish();
    }
    if (!signer_entry && detail::signer_matches(parsed, entry->cert.get())) {
      signer_entry = entry;
    } else {
      others.push_back(entry);
    }
  }
  if (!signer_entry) {
    structure = {"structure", structure.title, CheckStatus::kFail,
                 ErrorCode::kPkcs7SignerCertMissing,
                 "the certificate named by the SignerInfo is not embedded in the document "
                 "(IMDS always embeds its signer): the document was altered"};
    return finish();
  }
  structure = {"structure", structure.title, CheckStatus::kPass, ErrorCode::kOk,
               concat({"one signer, ", std::to_string(parsed.certificates.size()),
                       " embedded certificate(s), ", std::to_string(parsed.content.size()),
                       " content bytes"})};
  report.signer = signer_entry->summary;

  detail::Outcome sig = detail::verify_signature(parsed, env.der, signer_entry->cert.get(),
                                                 signer_entry->signature);
  signature = sig.code == ErrorCode::kOk
                  ? CheckResult{"signature", signature.title, CheckStatus::kPass, ErrorCode::kOk,
                                "the signer's key verifies the content"}
                  : CheckResult{"signature", signature.title, CheckStatus::kFail, sig.code,
                                sig.message};

  std::vector<X509*> embedded;
  for (const auto& e : others) embedded.push_back(e->cert.get());
  const detail::ChainOutcome& co = impl_->chain_for(*signer_entry, embedded);
  chain = co.chain;
  validity = co.validity;
  report.chain = co.certificates;
  report.fetched_urls = co.fetched_urls;

  if (chain.status == CheckStatus::kPass && validity.status == CheckStatus::kPass) {
    add_expiry_warnings(report, impl_->options);
  }

  if (signer_entry->signer_check.id.empty()) {
    signer_entry->signer_check =
        detail::check_signer(signer_entry->cert.get(), impl_->options.signer_domains);
    detail::clear_openssl_errors();  // as after summarize: an undecodable SAN leaves errors
  }
  signer = signer_entry->signer_check;

  impl_->check_payload(parsed.content,
                       env.body_nonce ? env.body_nonce : impl_->options.expected_nonce, report,
                       payload, nonce, timestamp);
  return finish();
}

}  // namespace hciattest::attest
