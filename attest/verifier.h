// Verification of an IMDS attested document: envelope, PKCS#7 SignedData structure, signature,
// certificate chain, validity at a given time, signer name and key usage, and the payload.
//
// Every check runs that can run, so a report shows all findings, not only the first; the
// verdict is the first failing check in the order listed in `kCheckOrder`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/envelope.h"
#include "attest/error.h"
#include "attest/payload.h"
#include "attest/trust_store.h"

namespace hciattest::attest {

enum class CheckStatus { kPass, kFail, kSkip };
std::string_view status_id(CheckStatus status);  // "pass", "fail", "skip"

struct CheckResult {
  // Both point to static text (the verifier's fixed set of checks), so that a report of nine
  // checks allocates only for its messages.
  std::string_view id;     // stable: envelope, structure, signature, chain, validity, signer, ...
  std::string_view title;  // for people
  CheckStatus status = CheckStatus::kSkip;
  ErrorCode code = ErrorCode::kOk;
  std::string message;  // what was found; on failure, what to do
};

struct CertificateSummary {
  std::string subject;
  std::string issuer;
  std::string serial_hex;
  std::string sha256_hex;
  std::string not_before;   // ISO 8601 UTC
  std::string not_after;
  std::int64_t not_before_unix = 0;  // the same, Unix seconds (0 when the field did not parse)
  std::int64_t not_after_unix = 0;
  std::vector<std::string> dns_names;
  std::vector<std::string> ca_issuers_urls;  // AIA "CA Issuers"
  std::string origin;       // "embedded", "bundled", "fetched", a --ca-file path, ...
};

// The certificates of a path, signer first, immutable and shared: every report of a cached
// signer refers to the one list the cache holds instead of copying it.
class CertificatePath {
 public:
  CertificatePath() = default;
  explicit CertificatePath(std::vector<CertificateSummary> certificates)
      : list_(std::make_shared<const std::vector<CertificateSummary>>(std::move(certificates))) {}

  const std::vector<CertificateSummary>& list() const { return list_ ? *list_ : none(); }
  auto begin() const { return list().begin(); }
  auto end() const { return list().end(); }
  std::size_t size() const { return list().size(); }
  bool empty() const { return list().empty(); }
  const CertificateSummary& operator[](std::size_t i) const { return list()[i]; }
  const CertificateSummary& at(std::size_t i) const { return list().at(i); }
  const CertificateSummary& front() const { return list().front(); }
  const CertificateSummary& back() const { return list().back(); }

 private:
  static const std::vector<CertificateSummary>& none() {
    static const std::vector<CertificateSummary> kNone;
    return kNone;
  }
  std::shared_ptr<const std::vector<CertificateSummary>> list_;
};

// Fetches the certificate at an AIA "CA Issuers" URL (DER or PEM bytes). The implementation
// owns the network policy (host allow-list, size cap, redirects); an empty `error` means success.
struct FetchedIssuer {
  std::string bytes;
  std::string error;
};
using IssuerFetcher = std::function<FetchedIssuer(const std::string& url)>;

struct VerifyOptions {
  std::int64_t time = 0;                       // verification time, Unix seconds (UTC)
  std::vector<std::string> signer_domains;     // empty: every cloud's metadata host
  std::optional<std::string> expected_nonce;   // the nonce the caller sent
  // A body member that carries the nonce sent for that document and overrides expected_nonce
  // when present (the CLI's --batch uses "expected_nonce"); empty: none is read.
  std::string nonce_member;
  std::int64_t timestamp_skew_seconds = 300;   // tolerance around createdOn/expiresOn
  std::size_t max_document_bytes = kDefaultMaxDocumentBytes;
  bool cache = true;                           // cache decoded signer certificates and chains
  IssuerFetcher fetch_issuer;                  // empty: never touch the network
  int max_issuer_fetches = 3;
  // A CA certificate of a passing chain that expires within this many seconds of `time` gives a
  // warning (the verdict does not change); 0: no warnings. Leaves are not warned about: Azure
  // renews its signers every few months (HCI's every 30 days) without anyone acting.
  std::int64_t expiry_warning_seconds = 60 * 86400;
};

// A finding that does not change the verdict but needs an admin before it does.
struct ChainWarning {
  std::string_view id;        // stable: "ca_expiring"
  std::string subject;        // the certificate concerned
  std::string origin;         // where it came from ("bundled", a --ca-file path, ...)
  std::string not_after;      // ISO 8601 UTC
  std::int64_t seconds_left = 0;
  std::string message;        // what is coming and what to do
};

struct VerificationReport {
  bool verified = false;
  ErrorCode code = ErrorCode::kOk;   // the first failing check's code
  std::string message;               // the first failing check's message
  std::vector<CheckResult> checks;   // in kCheckOrder
  std::string input_form;            // json, base64, der
  std::shared_ptr<const CertificateSummary> signer;  // null when no signer was found
  CertificatePath chain;             // signer first, up to the anchor as far as built
  std::optional<Payload> payload;         // present when the content parsed (even if untrusted)
  std::vector<std::string> fetched_urls;  // AIA addresses fetched for this verdict
  std::vector<ChainWarning> warnings;     // only when the chain passed
};

inline constexpr const char* kCheckOrder[] = {"envelope",  "structure", "signature",
                                              "chain",     "validity",  "signer",
                                              "payload",   "nonce",     "timestamp"};

struct VerifierStats {
  std::uint64_t documents = 0;
  std::uint64_t certificate_cache_hits = 0;
  std::uint64_t certificate_decodes = 0;
  std::uint64_t chain_builds = 0;
};

// Not thread-safe: use one Verifier per thread. What threads share, and why that is safe:
// - the TrustStore (one shared_ptr<const TrustStore>): after its add_* calls it is only read;
//   OpenSSL 3 locks the X509_STORE's lookups and each certificate's lazily cached extensions;
// - VerifyOptions by value: each Verifier has its own copy; `fetch_issuer` may be called from
//   several threads at once (imds::fetch_aia keeps no state between calls).
// Not shared: each Verifier's cache of decoded signers and chain verdicts (a worker decodes a
// region's signer once; sharing it would put a lock on every document's path).
// `hciattest verify --batch --jobs N` runs N Verifiers this way (cli/batch_runner.h).
class Verifier {
 public:
  Verifier(std::shared_ptr<const TrustStore> trust, VerifyOptions options);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  VerificationReport verify(std::string_view document);

  const VerifyOptions& options() const;
  void set_expected_nonce(std::optional<std::string> nonce);
  VerifierStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hciattest::attest
