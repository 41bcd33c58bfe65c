#include "doctor/imds_document.h"

namespace hciattest::doctor {

RaceStart race_start(bool default_endpoints, std::optional<int> head_start_ms, bool sequential,
                     const std::optional<std::string>& hci_adapter) {
  RaceStart r;
  if (head_start_ms) {
    r.head_start = std::chrono::milliseconds(*head_start_ms);
    return r;
  }
  if (sequential || !default_endpoints || !hci_adapter) return r;
  r.head_start = std::chrono::milliseconds(0);
  r.why = "169.254.169.253 started at once beside 169.254.169.254: this VM has the HCI guest's "
          "IMDS adapter, " + *hci_adapter;
  return r;
}

attest::VerificationReport verify_fetched(imds::ImdsRequest req, imds::ImdsResult& fetched,
                                          attest::Verifier& verifier, imds::ClientEnvironment& env,
                                          std::string& note) {
  verifier.set_expected_nonce(fetched.nonce);
  attest::VerificationReport report = verifier.verify(fetched.body);
  if (report.code != attest::ErrorCode::kNonceMismatch || req.nonce) return report;
  imds::ImdsResult again = imds::fetch(req, env);
  if (!again.ok) return report;
  verifier.set_expected_nonce(again.nonce);
  report = verifier.verify(again.body);
  note = "the first answer carried a stale nonce (IMDS cache); fetched once more";
  fetched.trace.insert(fetched.trace.end(), again.trace.begin(), again.trace.end());
  fetched.nonce = again.nonce;
  fetched.body = std::move(again.body);
  return report;
}

}  // namespace hciattest::doctor
