// Getting the attested document the way `attest` and `doctor` both do: how the IMDS race starts on
// this machine's evidence, and verifying what was fetched (once more on a nonce IMDS's cache
// served). Composes imds/ (HTTP, knows nothing of X.509) and attest/ (X.509, knows nothing of
// HTTP).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "attest/verifier.h"
#include "imds/client.h"

namespace hciattest::doctor {

// How long .254 runs alone before .253 joins the race, and why.
struct RaceStart {
  std::chrono::milliseconds head_start{250};
  std::string why;  // empty for the default; said in the report otherwise
};

// --head-start when given; with the default endpoints, 0 (both at once) when `hci_adapter` is
// evidence of the HCI guest's IMDS adapter (hostcheck::hci_imds_adapter), since .253 is then
// where the answer comes from; else 250 ms, Azure's .254 first. Sequential fetches keep their
// order and take no head start.
RaceStart race_start(bool default_endpoints, std::optional<int> head_start_ms, bool sequential,
                     const std::optional<std::string>& hci_adapter);

// Verifies the document `fetched` holds against the nonce it was fetched with. When that fails on
// the nonce alone and `req` chose the nonce itself, fetches once more with a new one: IMDS serves
// a cached document (with the nonce of an earlier request) for a few minutes, and a second
// request tells that cache from a replay. `fetched` then holds both traces and the second nonce,
// and `note` says so. `attest` and `doctor` both verify this way.
attest::VerificationReport verify_fetched(imds::ImdsRequest req, imds::ImdsResult& fetched,
                                          attest::Verifier& verifier, imds::ClientEnvironment& env,
                                          std::string& note);

}  // namespace hciattest::doctor
