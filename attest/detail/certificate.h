// Certificate facts for reports, and the signer policy checks. Private to attest/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attest/detail/openssl_util.h"
#include "attest/verifier.h"

namespace hciattest::attest::detail {

CertificateSummary summarize(X509* cert, std::string origin);

// notBefore / notAfter as Unix seconds; false when the fields do not parse.
bool validity_seconds(const X509* cert, std::int64_t& not_before, std::int64_t& not_after);

// The CN values and DNS SANs of a certificate (CNs with embedded NULs are dropped).
std::vector<std::string> certificate_names(X509* cert);

// The "signer" check: a name inside one of `domains`, not a CA, serverAuth in the EKU,
// digitalSignature in the key usage when it has one, and OpenSSL's SSL-server purpose.
CheckResult check_signer(X509* cert, const std::vector<std::string>& domains);

}  // namespace hciattest::attest::detail
