// Can Windows' own chain engine build the attested-document signer's chain from this machine's
// LocalMachine stores? fclip.exe uses it, so where it cannot, Azure Edition shows the "not
// activated" watermark even though hciattest's own (OpenSSL) verdict passes (FACTS.md,
// SupportArticles-docs activation-watermark-appears.md). windows_chain_windows.cpp asks
// CertGetCertificateChain; windows_chain_linux.cpp answers "not applicable on Linux".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hciattest::activation {

struct WindowsChainResult {
  bool available = false;  // false: not asked (error says why)
  std::string error;
  bool trusted = false;    // a chain to a trusted root, every element valid at the time
  std::uint32_t error_status = 0;     // CERT_TRUST_STATUS.dwErrorStatus of the simple chain
  std::vector<std::string> problems;  // error_status decoded, one phrase per flag
  std::vector<std::string> chain;     // subjects, signer first, as far as Windows built it
  std::string missing_issuer;         // the issuer Windows could not find (partial chain)
};

// `signer_der` first, then any other embedded certificates (untrusted candidates, as the
// document carries them). `at`: Unix seconds, or now. No network: only what the stores and the
// URL cache hold (CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL), which is what the check is about.
WindowsChainResult check_windows_chain(const std::vector<std::vector<unsigned char>>& certificates,
                                       std::optional<std::int64_t> at = std::nullopt);

// CERT_TRUST_* error flags to phrases ("the root is not trusted", ...); unknown bits as hex.
std::vector<std::string> trust_error_phrases(std::uint32_t error_status);

}  // namespace hciattest::activation
