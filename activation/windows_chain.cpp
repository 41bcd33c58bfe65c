#include "activation/windows_chain.h"

#include <cstdio>

namespace hciattest::activation {

std::vector<std::string> trust_error_phrases(std::uint32_t status) {
  // wincrypt.h CERT_TRUST_STATUS error flags (learn.microsoft.com CERT_TRUST_STATUS).
  static const struct {
    std::uint32_t bit;
    const char* phrase;
  } kFlags[] = {
      {0x00000001, "a certificate is outside its validity period"},
      {0x00000002, "the validity periods are not nested"},
      {0x00000004, "a certificate is revoked"},
      {0x00000008, "a signature does not verify"},
      {0x00000010, "a certificate is not valid for the requested usage"},
      {0x00000020, "the root is not trusted (not in the LocalMachine Root store)"},
      {0x00000040, "revocation status unknown"},
      {0x00000080, "a certificate is cyclic"},
      {0x00000800, "a name constraint is violated"},
      {0x01000000, "revocation is offline"},
      {0x00010000, "the chain is partial: an issuer is in no store (install it into "
                   "LocalMachine\\CA)"},
      {0x00020000, "a CTL is not time-valid"},
      {0x00040000, "a CTL signature is invalid"},
      {0x00080000, "a CTL is not valid for the usage"},
  };
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& f : kFlags) {
    known |= f.bit;
    if (status & f.bit) out.emplace_back(f.phrase);
  }
  if (status & ~known) {
    char hex[16];
    std::snprintf(hex, sizeof(hex), "0x%08X", status & ~known);
    out.push_back(std::string("other trust errors ") + hex);
  }
  return out;
}

}  // namespace hciattest::activation
