// The OpenSSL side of TrustStore, shared with the verifier. Private to attest/.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "attest/detail/openssl_util.h"
#include "attest/trust_store.h"

namespace hciattest::attest::detail {

using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME, X509_NAME_free>>;

// A bundled certificate, parsed only when a verification may use it. Parsing all of them at start
// (OpenSSL 3 decodes each public key through its decoder framework) took 7 of the 19 ms of a cold
// `verify` (scripts/bench-coldstart); the names it is chosen by are read from the DER without it.
struct LazyCertificate {
  std::string der;
  X509NamePtr subject;
  bool anchor = false;  // self-issued (subject == issuer): trusted; else an untrusted intermediate
  X509* get() const;    // parses once (thread-safe); null if the DER does not parse
 private:
  mutable std::once_flag once_;
  mutable X509Ptr cert_;
};

struct TrustStoreImpl {
  X509StorePtr store{X509_STORE_new()};
  X509StackPtr intermediates{sk_X509_new_null()};  // --intermediates-file: parsed when added
  X509StackPtr eager_anchors{sk_X509_new_null()};  // --ca-file: parsed when added
  std::vector<std::unique_ptr<LazyCertificate>> bundled;
  std::size_t anchors = 0;
  bool partial_chain = false;                  // a non-self-signed anchor was added
  bool system_store = false;
  std::map<std::string, std::string> origins;  // sha256 hex -> origin
};

// Makes the bundled certificates that may take part in a path from `target`, the certificates of
// `untrusted` or the --ca-file anchors available to OpenSSL's path builder: the self-issued ones are
// added to `trust.store`, the others pushed onto `untrusted`, repeated until no bundled certificate
// names an issuer of one already there. OpenSSL only ever takes as issuer a certificate whose
// subject is the issuer name (X509_check_issued), so the paths it can build are the same as with
// every bundled certificate present. `taken[i]` marks trust.bundled[i] as already made available;
// call again after adding certificates to `untrusted` (an AIA fetch).
void add_bundled_issuers(const TrustStoreImpl& trust, X509* target, STACK_OF(X509) * untrusted,
                         std::vector<bool>& taken);

// Adds a DER certificate to `trust` as a bundled one, parsed only when a path may use it: an anchor
// when self-issued, else an intermediate. False (nothing added) when its names cannot be read.
// `sha256_hex`: its fingerprint when already known (bundle.txt lists them), else computed.
bool add_lazy(TrustStoreImpl& trust, const unsigned char* der, long len,
              const char* sha256_hex = nullptr);

// The issuer and subject names of a DER certificate, read without decoding the rest (the public
// key above all): as DER spans of `der`, or decoded. False when the DER is not a certificate's
// outline (or a name does not decode).
bool read_certificate_name_spans(const unsigned char* der, long len, std::string_view& issuer,
                                 std::string_view& subject);
bool read_certificate_names(const unsigned char* der, long len, X509NamePtr& issuer,
                            X509NamePtr& subject);

// Reads every certificate of a PEM text into `out`; fails, with a message that says what to do, on
// a text without any certificate or with a damaged one. `source` names the text in messages.
// The one reader of --ca-file, --intermediates-file, the bundle and `hciattest anchors`.
TrustStoreStatus read_pem_certificates(std::string_view pem, const std::string& source,
                                       std::vector<X509Ptr>& out);

}  // namespace hciattest::attest::detail
