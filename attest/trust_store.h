// The certificates a verification may chain to.
//
// Anchors are trusted; intermediates are only candidates for path building (the chain must still
// end at an anchor). Certificates embedded in a document, or fetched from an AIA address, only
// ever count as untrusted intermediates.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hciattest::attest {

namespace detail {
struct TrustStoreImpl;
}

struct TrustStoreStatus {
  bool ok = true;
  std::string message;  // what was wrong and what to do
};

class TrustStore {
 public:
  TrustStore();
  ~TrustStore();
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;

  // The Microsoft and DigiCert CA certificates compiled into the program (attest/anchors/):
  // the self-signed roots become anchors, the issuing CAs intermediates.
  void add_bundled();

  // Every certificate in `pem` becomes an anchor (--ca-file). A certificate that is not
  // self-signed is trusted as given: the chain may end at it (partial chain). `source` names the
  // file in messages. Fails when the text holds no certificate or a damaged one.
  TrustStoreStatus add_anchors_pem(std::string_view pem, const std::string& source);

  // Every certificate in `pem` becomes an untrusted intermediate (--intermediates-file).
  TrustStoreStatus add_intermediates_pem(std::string_view pem, const std::string& source);

  // OpenSSL's default certificate locations (on Debian /etc/ssl/certs) as anchors.
  TrustStoreStatus add_system_store();

  std::size_t anchor_count() const;
  std::size_t intermediate_count() const;

  // Where a certificate came from, by the hex SHA-256 of its DER: "bundled", the --ca-file
  // path, "system"; empty when unknown.
  std::string origin_of(const std::string& sha256_hex) const;

  const detail::TrustStoreImpl& impl() const { return *impl_; }

 private:
  std::unique_ptr<detail::TrustStoreImpl> impl_;
};

// The bundled certificates as (file name, PEM text, SHA-256 of the DER as listed); generated from
// attest/anchors/bundle.txt at build time.
struct BundledCertificate {
  const char* name;
  const char* pem;
  const char* sha256_hex;
};
const std::vector<BundledCertificate>& bundled_certificates();

}  // namespace hciattest::attest
