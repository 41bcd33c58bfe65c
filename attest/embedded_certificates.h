// The certificates an attested document carries, as DER, for checks outside this verifier (the
// doctor hands the signer's to Windows' own chain engine, which fclip.exe relies on).
#pragma once

#include <string_view>
#include <vector>

namespace hciattest::attest {

// The embedded certificates, the signer's first (the one the SignerInfo names); empty when the
// document does not decode or embeds none. No verification is done here.
std::vector<std::vector<unsigned char>> embedded_certificates(std::string_view document);

}  // namespace hciattest::attest
