#include "attest/embedded_certificates.h"

#include <openssl/x509.h>

#include <algorithm>

#include "attest/detail/openssl_util.h"
#include "attest/detail/signed_data.h"
#include "attest/envelope.h"

namespace hciattest::attest {

std::vector<std::vector<unsigned char>> embedded_certificates(std::string_view document) {
  std::vector<std::vector<unsigned char>> out;
  const EnvelopeResult env = decode_envelope(document);
  if (env.code != ErrorCode::kOk) return out;
  detail::ParsedSignedData parsed;
  if (detail::parse_signed_data(env.der, parsed).code != ErrorCode::kOk) return out;
  for (std::string_view der : parsed.certificates) {
    std::vector<unsigned char> bytes(der.begin(), der.end());
    const unsigned char* p = bytes.data();
    detail::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
    if (!cert) detail::clear_openssl_errors();  // kept as DER: the chain engine says what is wrong
    const bool is_signer = cert && detail::signer_matches(parsed, cert.get());
    if (is_signer) {
      out.insert(out.begin(), std::move(bytes));
    } else {
      out.push_back(std::move(bytes));
    }
  }
  return out;
}

}  // namespace hciattest::attest
