// Writes the certificates of tests/data/windows_chain/ (the Windows chain-engine test under Wine,
// tests/activation/windows_chain_windows_test.cpp): root -> issuing CA -> leaf
// CN=metadata.azure.com, RSA-2048, valid 2025-01-01 to 2045-01-01, as DER. The mingw build has no
// OpenSSL, so the files are made here once and committed; run this to make them anew:
//   build/linux/tests/make_windows_chain_fixtures tests/data/windows_chain
#include <cstdio>
#include <fstream>
#include <string>

#include "tests/support/test_pki.h"

namespace {

void write(const std::string& dir, const char* name, const std::vector<unsigned char>& der) {
  std::ofstream(dir + "/" + name, std::ios::binary)
      .write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_windows_chain_fixtures DIR\n");
    return 2;
  }
  using hciattest::testing::CertSpec;
  constexpr std::int64_t kFrom = 1735689600;  // 2025-01-01T00:00:00Z
  constexpr std::int64_t kTo = 2366841600;    // 2045-01-01T00:00:00Z
  CertSpec root;
  root.cn = "hciattest Windows chain test root";
  root.ca = true;
  root.not_before = kFrom;
  root.not_after = kTo;
  const auto root_cert = hciattest::testing::make_cert(root, nullptr);
  CertSpec ca = root;
  ca.cn = "hciattest Windows chain test issuing CA";
  const auto ca_cert = hciattest::testing::make_cert(ca, &root_cert);
  CertSpec leaf;
  leaf.cn = "metadata.azure.com";
  leaf.dns = {"metadata.azure.com", "eastus.metadata.azure.com"};
  leaf.not_before = kFrom;
  leaf.not_after = kTo;
  const auto leaf_cert = hciattest::testing::make_cert(leaf, &ca_cert);
  const std::string dir = argv[1];
  write(dir, "root.der", root_cert.der());
  write(dir, "issuing_ca.der", ca_cert.der());
  write(dir, "leaf.der", leaf_cert.der());
  std::printf("wrote root.der, issuing_ca.der, leaf.der to %s\n", dir.c_str());
  return 0;
}
