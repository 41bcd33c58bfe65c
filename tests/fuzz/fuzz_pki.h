// The fuzzer's fixed trust anchor, shared by verify_fuzzer and make_seeds. Its key is a constant,
// so documents that make_seeds writes in one process chain to the root the fuzzer trusts in
// another, and a crashing input reproduces without the seed directory it grew from.
#pragma once

#include "tests/support/test_pki.h"

namespace hciattest::fuzzing {

// The nonce of the seed documents, which the fuzzer's verifier expects.
inline constexpr const char* kNonce = "1234567890";

// CN=hciattest Fuzz Root CA, valid around testing::kTestNow; the same bytes in every process.
testing::Cert fixed_root();

}  // namespace hciattest::fuzzing
