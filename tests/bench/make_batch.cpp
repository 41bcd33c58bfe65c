// Writes a relying party's batch for scripts/bench-batch: DIR/root.pem (a test root made now)
// and DIR/batch.jsonl, N IMDS response bodies of one signer with distinct nonces, each line
// carrying the "expected_nonce" a relying party adds (every other line, so that both kinds of
// line are measured). Prints the verification time to pass as --at.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/support/test_pki.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_batch DIR N\n");
    return 2;
  }
  const std::string dir = argv[1];
  const long n = std::strtol(argv[2], nullptr, 10);
  if (n <= 0) {
    std::fprintf(stderr, "make_batch: N must be a positive number, not \"%s\"\n", argv[2]);
    return 2;
  }
  using namespace hciattest::testing;
  try {
    const Hierarchy pki = make_hierarchy();
    std::ofstream root(dir + "/root.pem", std::ios::binary);
    root << pki.root.pem();
    std::ofstream batch(dir + "/batch.jsonl", std::ios::binary);
    SignSpec spec;
    spec.extra_certs = {&pki.intermediate};
    for (long i = 0; i < n; ++i) {
      char nonce[24];
      std::snprintf(nonce, sizeof(nonce), "%010ld", 1000000000L + i);
      std::string line = envelope(sign(payload(nonce), pki.leaf, spec));
      if (i % 2 == 1) line.insert(1, std::string("\"expected_nonce\":\"") + nonce + "\",");
      batch << line << "\n";
    }
    if (!root || !batch) {
      std::fprintf(stderr, "make_batch: cannot write into %s\n", dir.c_str());
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_batch: %s\n", e.what());
    return 1;
  }
  std::printf("@%lld\n", static_cast<long long>(kTestNow));
  return 0;
}
