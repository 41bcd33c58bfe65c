// Faked doctor facts shared by the checks' tests (tests/doctor/checks_test.cpp) and the
// renderers' golden tests (tests/cli/doctor_render_test.cpp): a healthy Azure Stack HCI VM and the
// pieces it is made of.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "doctor/checks.h"
#include "doctor/facts.h"
#include "doctor/report.h"

namespace hciattest::doctor::fakes {

using hostcheck::Platform;

inline hostcheck::Adapter adapter(const std::string& name, const std::string& addr, int prefix,
                                  unsigned index = 4) {
  hostcheck::Adapter a;
  a.name = name;
  a.index = index;
  a.up = true;
  a.mac = "00:15:5d:01:02:03";
  a.addresses.push_back({addr, prefix, false});
  return a;
}

inline hostcheck::Route route(const std::string& dst, int prefix, const std::string& gw,
                              const std::string& dev, unsigned index = 4) {
  hostcheck::Route r;
  r.destination = dst;
  r.prefix_length = prefix;
  r.gateway = gw;
  r.interface_name = dev;
  r.interface_index = index;
  return r;
}

inline attest::VerificationReport verified() {
  attest::VerificationReport r;
  r.verified = true;
  r.checks.push_back({"signature", "signature", attest::CheckStatus::kPass, attest::ErrorCode::kOk, "ok"});
  attest::CertificateSummary s;
  s.subject = "CN=metadata.azure.com";
  r.signer = std::make_shared<const attest::CertificateSummary>(s);
  return r;
}

// A healthy Azure Stack HCI VM: APIPA adapter, .253 on-link and answering, document verified.
inline Facts healthy_hci() {
  Facts f;
  f.platform = {Platform::kAzureStackHci, "Azure Stack HCI VM", {"IMDS answered at http://169.254.169.253"}};
  f.adapters.value = std::vector<hostcheck::Adapter>{adapter("Ethernet 2", "169.254.77.20", 16),
                                                     adapter("Ethernet", "10.0.0.4", 24)};
  f.route_253.value = route("169.254.0.0", 16, "", "Ethernet 2");
  f.tcp_253.connected = true;
  f.tcp_253.elapsed_ms = 1;
  f.imds_attempted = true;
  f.imds.ok = true;
  f.imds.endpoint = "http://169.254.169.253";
  f.imds.elapsed_ms = 260;
  f.imds.trace = {{"http://169.254.169.254", 0, 260, 0, "cancelled", "cancelled"},
                  {"http://169.254.169.253", 250, 9, 200, "", "ok"}};
  f.verification = verified();
  f.activation.licensing.error = "not applicable on Linux (Windows licensing)";
  f.activation.task.error = "not applicable on Linux (Windows Task Scheduler)";
  f.windows_chain = activation::WindowsChainResult{};
  f.windows_chain->error = "not applicable on Linux (Windows' certificate chain engine)";
  f.spp_events.error = "not applicable on Linux (Windows event log)";
  f.firewall.error = "not applicable on Linux (Windows Firewall)";
  return f;
}

inline Check find(const std::vector<Check>& checks, const std::string& id) {
  for (const auto& c : checks) {
    if (c.id == id) return c;
  }
  throw std::runtime_error("no check " + id);
}

inline Report report_of(const Facts& f) {
  Report r;
  r.tool_version = "0.1.0";
  r.generated_at = "2026-06-01T12:00:00Z";
  r.machine = {"hci-vm-07", "4c4c4544-0042-3510-8052-b7c04f4e3332", "", ""};
  r.platform = std::string(hostcheck::platform_id(f.platform.platform));
  r.platform_summary = f.platform.summary;
  r.checks = evaluate(f);
  return r;
}

}  // namespace hciattest::doctor::fakes
