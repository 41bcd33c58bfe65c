#include "doctor/checks.h"

#include <algorithm>

#include "activation/error_codes.h"
#include "activation/kms_diagnosis.h"
#include "attest/anchors.h"

namespace hciattest::doctor {
namespace {

using hostcheck::Platform;

Check make(const char* id, const char* title) {
  Check c;
  c.id = id;
  c.title = title;
  return c;
}

Check skip(const char* id, const char* title, const std::string& why) {
  Check c = make(id, title);
  c.status = Status::kSkip;
  c.summary = why;
  return c;
}

bool in_link_local(const std::string& address) {
  return address.rfind("169.254.", 0) == 0;
}

std::string route_text(const hostcheck::Route& r) {
  return r.destination + "/" + std::to_string(r.prefix_length) + " via " +
         (r.gateway.empty() ? "on-link" : r.gateway) + " dev " + r.interface_name +
         " metric " + std::to_string(r.metric);
}

Check check_platform(const Facts& f) {
  Check c = make("platform", "platform detection");
  c.status = f.platform.platform == Platform::kOther ? Status::kWarn : Status::kPass;
  c.summary = f.platform.summary;
  c.evidence = f.platform.evidence;
  for (const auto& e : f.instance_evidence) c.evidence.push_back("IMDS instance: " + e);
  if (c.status == Status::kWarn) {
    c.remedy = "run hciattest on the Windows VM itself (Azure, Azure Stack HCI or AWS); on other "
               "machines only `verify` and `emulate` make sense";
  }
  return c;
}

Check check_proxy(const Facts& f) {
  Check c = make("proxy", "proxy settings");
  if (f.proxy_env.empty()) {
    c.status = Status::kPass;
    c.summary = "no proxy variables set";
    return c;
  }
  for (const auto& [k, v] : f.proxy_env) c.evidence.push_back(k + "=" + v);
  std::string no_proxy;
  for (const char* k : {"no_proxy", "NO_PROXY"}) {
    if (auto it = f.proxy_env.find(k); it != f.proxy_env.end()) no_proxy += it->second + ",";
  }
  const bool bypassed = no_proxy.find("169.254.169.254") != std::string::npos &&
                        no_proxy.find("169.254.169.253") != std::string::npos;
  c.status = bypassed ? Status::kPass : Status::kWarn;
  c.summary = bypassed ? "proxy set; IMDS addresses bypass it"
                       : "a proxy is set without NO_PROXY for 169.254.169.254/.253 (hciattest "
                         "bypasses it; other tools may send IMDS requests to the proxy, which "
                         "IMDS refuses)";
  if (!bypassed) {
    c.remedy = "add 169.254.169.254,169.254.169.253 to NO_PROXY (and to the WinHTTP bypass list: "
               "netsh winhttp set proxy <proxy> bypass-list=\"169.254.169.254;169.254.169.253\")";
  }
  return c;
}

Check check_hci_nic(const Facts& f) {
  const char* id = "hci-imds-nic";
  const char* title = "Azure Stack HCI IMDS adapter (legacy path, 169.254.169.253)";
  if (f.platform.platform == Platform::kAzure || f.platform.platform == Platform::kAws) {
    return skip(id, title, "not an Azure Stack HCI VM");
  }
  Check c = make(id, title);
  c.remedy = "on the HCI host: Get-AzStackHCIVMAttestation; enable with "
             "Add-AzStackHCIVMAttestation -VMName <vm> (adds the VM's adapter on the "
             "AZSHCI_HOST-IMDS_DO_NOT_MODIFY switch; Generation 1 VMs must be powered off "
             "first), then Sync-AzureStackHCI if the host's attestation shows Expired";
  if (!f.adapters.ok()) {
    c.status = Status::kFail;
    c.summary = "cannot list network adapters: " + f.adapters.error;
    return c;
  }
  std::vector<std::string> apipa;
  for (const auto& a : *f.adapters.value) {
    for (const auto& addr : a.addresses) {
      if (!addr.ipv6 && in_link_local(addr.address)) {
        apipa.push_back(a.name + " " + addr.address + "/" + std::to_string(addr.prefix_length) +
                        (a.up ? "" : " (down)"));
      }
    }
  }
  for (const auto& s : apipa) c.evidence.push_back("link-local adapter: " + s);
  if (f.route_253.ok()) c.evidence.push_back("route to 169.254.169.253: " + route_text(*f.route_253.value));
  else c.evidence.push_back("route to 169.254.169.253: " + f.route_253.error);
  c.evidence.push_back(std::string("TCP 169.254.169.253:80: ") +
                       (f.tcp_253.connected ? "open (" + std::to_string(f.tcp_253.elapsed_ms) + " ms)"
                                            : f.tcp_253.error));
  const bool routed_on_link = f.route_253.ok() && f.route_253.value->gateway.empty() &&
                              std::any_of(apipa.begin(), apipa.end(), [&](const std::string& s) {
                                return s.rfind(f.route_253.value->interface_name + " ", 0) == 0;
                              });
  if (apipa.empty()) {
    // A Hyper-V guest without the adapter is the HCI case this check exists for; elsewhere it
    // is only a note.
    c.status = (f.platform.platform == Platform::kAzureStackHci || f.platform.platform == Platform::kHyperV)
                   ? Status::kFail
                   : Status::kWarn;
    c.summary = "no adapter has a 169.254.x.x address: this VM has no IMDS adapter from its HCI host";
  } else if (!routed_on_link) {
    c.status = Status::kFail;
    c.summary = "169.254.169.253 is not routed on-link through the link-local adapter";
    c.remedy = "remove the route that captures 169.254.169.253 (route print / ip route), or the "
               "static address on the IMDS adapter: it must keep its APIPA 169.254.x.x/16 address";
  } else if (!f.tcp_253.connected) {
    c.status = Status::kFail;
    c.summary = "the adapter is there but 169.254.169.253:80 does not answer";
  } else {
    c.status = Status::kPass;
    c.summary = "the IMDS adapter routes 169.254.169.253 and its port 80 answers";
    c.remedy.clear();
  }
  return c;
}

// Azure Stack HCI 23H2+ attests over VMBus by default, through the Hyper-V Guest Service
// Interface integration service; the .253 adapter is the "legacy OS support" path
// (MicrosoftDocs azure-stack-docs, hci/deploy/azure-verification.md).
Check check_vmbus_path(const Facts& f, const Check& nic) {
  const char* id = "hci-vmbus-path";
  const char* title = "Azure Stack HCI VMBus attestation path (Guest Service Interface)";
  if (!f.services_supported) {
    return skip(id, title, "not applicable on Linux: the VMBus path needs the Windows service "
                           "vmicguestinterface");
  }
  if (f.platform.platform == Platform::kAzure || f.platform.platform == Platform::kAws) {
    return skip(id, title, "not an Azure Stack HCI VM");
  }
  Check c = make(id, title);
  const bool legacy_ok = nic.status == Status::kPass;
  const std::string legacy = std::string("legacy .253 path: ") + (legacy_ok ? "works" : "not working");
  if (!f.guest_interface.ok()) {
    c.status = Status::kWarn;
    c.summary = "cannot query vmicguestinterface: " + f.guest_interface.error + "; " + legacy;
    c.remedy = "run as a user who may query services (or elevated)";
    return c;
  }
  const hostcheck::ServiceState& s = *f.guest_interface.value;
  c.evidence.push_back("vmicguestinterface: " + (s.exists ? s.state + ", start " + s.start_type : "absent"));
  c.evidence.push_back(legacy);
  if (s.running) {
    c.status = Status::kPass;
    c.summary = "VMBus path available (vmicguestinterface running); " + legacy;
    return c;
  }
  c.status = legacy_ok ? Status::kWarn : Status::kFail;
  c.summary = std::string(s.exists ? "vmicguestinterface is " + s.state : "vmicguestinterface is absent") +
              ": no VMBus path; " + legacy;
  c.remedy = "on the host: Enable-VMIntegrationService -VMName <vm> -Name \"Guest Service "
             "Interface\"; in the VM: Set-Service vmicguestinterface -StartupType Manual; "
             "Start-Service vmicguestinterface";
  return c;
}

Check check_imds(const Facts& f) {
  const char* id = "imds-reachable";
  const char* title = "IMDS answers the attested-document request";
  if (!f.imds_attempted) return skip(id, title, "IMDS was not queried");
  Check c = make(id, title);
  if (!f.imds_race.empty()) c.evidence.push_back("race: " + f.imds_race);
  for (const auto& a : f.imds.trace) {
    c.evidence.push_back("+" + std::to_string(a.start_ms) + " ms " + a.endpoint + ": " +
                         (a.status != 0 ? "HTTP " + std::to_string(a.status) : a.error) + " (" +
                         std::to_string(a.duration_ms) + " ms) " + a.decision);
  }
  if (f.imds.ok) {
    c.status = Status::kPass;
    c.summary = "answered by " + f.imds.endpoint + " in " + std::to_string(f.imds.elapsed_ms) +
                " ms after " + std::to_string(f.imds.trace.size()) + " attempt(s)";
  } else {
    c.status = Status::kFail;
    c.summary = "no IMDS endpoint answered: " + f.imds.error;
    c.remedy = f.platform.platform == Platform::kAzure
                   ? "check that nothing in the guest blocks 169.254.169.254 (firewall, proxy, a "
                     "route through a VPN) and that no proxy intercepts it"
                   : "on Azure Stack HCI enable attestation for this VM on the host "
                     "(Add-AzStackHCIVMAttestation -VMName <vm>); see hci-imds-nic";
  }
  return c;
}

Check check_document(const Facts& f) {
  const char* id = "attested-document";
  const char* title = "attested document verifies (signature, chain, signer, nonce, time)";
  if (!f.imds.ok || !f.verification) return skip(id, title, "no document: imds-reachable failed");
  const attest::VerificationReport& r = *f.verification;
  Check c = make(id, title);
  for (const auto& k : r.checks) {
    c.evidence.push_back(std::string(k.id) + ": " + std::string(attest::status_id(k.status)) +
                         (k.code != attest::ErrorCode::kOk ? " (" + std::string(attest::error_id(k.code)) + ")" : "") +
                         " " + k.message);
  }
  if (r.signer) c.evidence.push_back("signer: " + r.signer->subject);
  if (!f.imds_note.empty()) c.evidence.push_back(f.imds_note);
  for (const auto& cert : r.chain) c.evidence.push_back("chain: " + cert.subject + " [" + cert.origin + "]");
  if (r.verified) {
    c.status = Status::kPass;
    c.summary = "verified; signed by " + (r.signer ? r.signer->subject : std::string("?")) +
                ", nonce fresh";
  } else {
    c.status = Status::kFail;
    c.summary = std::string(attest::error_id(r.code)) + ": " + r.message;
    c.remedy = "see docs/troubleshooting.md for " + std::string(attest::error_id(r.code)) +
               "; Windows' own activation (fclip.exe) needs the same chain in the LocalMachine store";
  }
  return c;
}

bool not_applicable(const std::string& error) {
  return error.find("not applicable") != std::string::npos;
}

bool is_blocked(activation::FlowVerdict v) {
  return v == activation::FlowVerdict::kBlockedByRule || v == activation::FlowVerdict::kBlockedByDefault;
}

std::vector<std::string> ipv4_only(const std::vector<std::string>& addresses) {
  std::vector<std::string> out;
  for (const auto& a : addresses) {
    if (hostcheck::parse_ipv4(a)) out.push_back(a);
  }
  return out;
}

Check check_kms(const Facts& f, const activation::KmsProbeReport& probe,
                      const std::string& id) {
  Check c = make(id.c_str(), ("KMS " + probe.target.text()).c_str());
  if (probe.verdict == activation::KmsVerdict::kKmsEndpoint) {
    c.evidence = probe.evidence;
    c.summary = probe.summary;
    c.status = Status::kPass;
    return c;
  }
  activation::KmsProbeReport k = probe;
  activation::KmsSilenceContext why;
  why.firewall = &f.firewall;
  if (f.platform.platform == Platform::kAzure) {
    why.azure_cloud = f.activation.cloud.empty() ? "public" : f.activation.cloud;
    why.vm = f.azure_vm;
  }
  const activation::KmsSilenceCause cause = activation::explain_kms_silence(k, why);
  c.evidence = k.evidence;
  c.summary = k.summary;
  c.status = Status::kFail;
  c.remedy = k.remedy;
  if (cause == activation::KmsSilenceCause::kFirewall) {
    c.remedy += " (windows-firewall lists every flow it decides)";
  } else if (cause == activation::KmsSilenceCause::kNone && f.platform.platform == Platform::kAws &&
             k.verdict == activation::KmsVerdict::kUnreachable) {
    c.remedy = "see aws-kms-routes; security groups and network ACLs must allow TCP 1688 out";
  }
  c.remedy += "; check again with: hciattest kms probe " + k.target.text();
  return c;
}

Check check_windows_firewall(const Facts& f,
                                   const std::vector<activation::FlowFinding>& findings) {
  const char* id = "windows-firewall";
  const char* title = "Windows Firewall: outbound to IMDS and KMS";
  const activation::FirewallReading& r = f.firewall;
  if (!r.available) {
    if (not_applicable(r.error)) return skip(id, title, r.error);
    Check c = make(id, title);
    c.status = Status::kWarn;
    c.summary = "cannot read the Windows Firewall policy: " + r.error;
    c.remedy = "check that the Windows Defender Firewall service runs (Get-Service mpssvc), then "
               "run hciattest doctor again; Get-NetFirewallProfile and Get-NetFirewallRule "
               "-Direction Outbound -Action Block -Enabled True show the same by hand";
    return c;
  }
  Check c = make(id, title);
  std::string active;
  for (const auto& p : r.policy.profiles) {
    c.evidence.push_back(activation::profile_names(p.type) + " profile: " +
                         (p.active ? "active" : "not active") + ", firewall " +
                         (p.enabled ? "on" : "off") + ", outbound by default " +
                         (p.outbound_block_default ? "blocked" : "allowed"));
    if (p.active) active += (active.empty() ? "" : ", ") + activation::profile_names(p.type);
  }
  std::size_t outbound_blocks = 0;
  for (const auto& rule : r.policy.rules) {
    outbound_blocks += rule.enabled && rule.outbound && !rule.allow ? 1 : 0;
  }
  c.evidence.push_back(std::to_string(r.policy.rules.size()) + " rules read, " +
                       std::to_string(outbound_blocks) + " of them enabled outbound block rules");
  if (r.policy.group_policy_override) {
    c.evidence.push_back("Group Policy overrides the local firewall policy: rules it pushes may "
                         "not be listed here (Get-NetFirewallRule -PolicyStore ActiveStore lists "
                         "them)");
  }
  const activation::FlowFinding* first_block = nullptr;
  const activation::FlowFinding* first_maybe = nullptr;
  std::size_t blocked = 0;
  for (const auto& fi : findings) {
    c.evidence.push_back("TCP " + fi.flow.address + ":" + std::to_string(fi.flow.port) + " (" +
                         fi.flow.purpose + "): " + activation::flow_verdict_id(fi.verdict) +
                         (fi.verdict == activation::FlowVerdict::kAllowed ? "" : ": " + fi.explanation));
    if (fi.rule && fi.verdict != activation::FlowVerdict::kAllowed) {
      c.evidence.push_back("  rule " + activation::describe_rule(*fi.rule));
    }
    if (is_blocked(fi.verdict)) {
      ++blocked;
      if (!first_block) first_block = &fi;
    } else if (fi.verdict == activation::FlowVerdict::kMaybeBlocked && !first_maybe) {
      first_maybe = &fi;
    }
  }
  if (first_block) {
    c.status = Status::kFail;
    c.summary = first_block->explanation +
                (blocked > 1 ? " (" + std::to_string(blocked) + " flows blocked in all)" : "");
    c.remedy = activation::firewall_remedy(findings);
    return c;
  }
  if (first_maybe) {
    c.status = Status::kWarn;
    c.summary = first_maybe->explanation;
    c.remedy = "look at what the rule covers: Get-NetFirewallRule -DisplayName \"" +
               first_maybe->rule->name +
               "\" | Get-NetFirewallAddressFilter (and Get-NetFirewallApplicationFilter, "
               "Get-NetFirewallServiceFilter); the KMS client is sppsvc.exe and SppExtComObj.exe";
    return c;
  }
  c.status = Status::kPass;
  c.summary = "no active profile (" + (active.empty() ? std::string("none active") : active) +
              ") blocks the " + std::to_string(findings.size()) + " IMDS and KMS flows checked";
  return c;
}

Check check_aws_launch_agent(const Facts& f) {
  const char* id = "aws-launch-agent";
  const char* title = "AWS launch agent (who sets the KMS and metadata routes again)";
  if (!f.activation.launch_agent) {
    return skip(id, title, "not applicable: the launch agent is read on AWS Windows instances");
  }
  const activation::LaunchAgentVerdict& v = *f.activation.launch_agent;
  Check c = make(id, title);
  c.summary = v.summary;
  c.evidence = v.evidence;
  c.status = v.routes_repair_themselves ? Status::kPass : Status::kWarn;
  if (!v.routes_repair_themselves) c.remedy = v.persistence;
  return c;
}

Check check_aws_routes(const Facts& f) {
  const char* id = "aws-kms-routes";
  const char* title = "routes to the AWS KMS addresses 169.254.169.250/.251";
  Check c = make(id, title);
  if (!f.default_route || !f.default_route->ok()) {
    c.status = Status::kFail;
    c.summary = "no default route: cannot tell the subnet gateway";
    c.remedy = "fix the primary adapter's gateway first";
    return c;
  }
  const hostcheck::Route& def = *f.default_route->value;
  c.evidence.push_back("default route: " + route_text(def));
  bool ok = true;
  for (const auto& r : f.aws_routes) {
    if (!r.route.ok()) {
      ok = false;
      c.evidence.push_back(r.target + ": " + r.route.error);
      continue;
    }
    const auto& rt = *r.route.value;
    c.evidence.push_back(r.target + ": " + route_text(rt));
    if (rt.gateway != def.gateway || rt.interface_index != def.interface_index) ok = false;
  }
  c.status = ok ? Status::kPass : Status::kFail;
  c.summary = ok ? "both go through the primary adapter's subnet gateway " + def.gateway
                 : "a KMS address is not routed through the primary adapter's gateway " + def.gateway +
                       " (an AMI restored into another subnet keeps EC2Launch v1's old routes)";
  if (!ok) {
    c.remedy = "hciattest activate --plan shows the route repair (what EC2Launch v1 Add-Routes "
               "does): route the /32s 169.254.169.250 and .251 via " + def.gateway;
    if (f.activation.launch_agent) {
      c.evidence.push_back("launch agent: " + f.activation.launch_agent->summary);
      c.remedy += "; " + f.activation.launch_agent->persistence;
    }
  }
  return c;
}

std::string plan_summary(const activation::ActivationPlan& p) {
  if (!p.refusals.empty()) return "hciattest activate --plan explains: " + p.refusals.front();
  std::string steps;
  for (const auto& s : p.steps) steps += (steps.empty() ? "" : ", ") + std::string(activation::step_kind_id(s.kind));
  return "hciattest activate --plan shows the repair (" + std::string(activation::method_id(p.method)) +
         ": " + steps + ")" + (p.needs_elevation ? "; run it elevated" : "");
}

Check check_licensing(const Facts& f, const activation::ActivationPlan& plan) {
  const char* id = "windows-licensing";
  const char* title = "Windows licensing state";
  const activation::LicensingState& l = f.activation.licensing;
  if (!l.available) {
    if (not_applicable(l.error)) return skip(id, title, l.error);
    Check c = make(id, title);
    c.status = Status::kWarn;
    c.summary = "cannot read the licensing state: " + l.error;
    c.remedy = "run elevated, and check that the Software Protection service (sppsvc) can start";
    return c;
  }
  Check c = make(id, title);
  c.evidence.push_back("edition: " + plan.edition.name + " (EditionID " +
                       f.activation.version.edition_id + ", build " +
                       std::to_string(f.activation.version.build) + ")");
  c.evidence.push_back(std::string("LicenseStatus: ") + activation::license_status_text(l.status));
  c.evidence.push_back("channel: " + (l.channel().empty() ? std::string("unknown") : l.channel()) +
                       ", key ending " + l.partial_product_key);
  c.evidence.push_back("KMS host: " + (l.kms_machine.empty() ? std::string("(none: DNS discovery)")
                                                             : l.kms_machine));
  if (l.activated()) {
    c.status = Status::kPass;
    c.summary = "Windows is activated (" + (l.channel().empty() ? std::string("channel unknown")
                                                                : l.channel()) + ")";
    return c;
  }
  c.status = Status::kFail;
  c.summary = std::string("Windows is not activated: ") + activation::license_status_text(l.status) +
              (l.status_reason != 0 ? ", " + activation::describe_error_code(l.status_reason) : "");
  c.remedy = plan_summary(plan);
  return c;
}

Check check_imds_task(const Facts& f, const activation::ActivationPlan& plan) {
  const char* id = "license-imds-task";
  const char* title = "the LicenseImdsIntegration task (IMDS activation)";
  const activation::ImdsTaskState& t = f.activation.task;
  if (!f.activation.licensing.available && not_applicable(f.activation.licensing.error)) {
    return skip(id, title, f.activation.licensing.error);
  }
  if (plan.method != activation::Method::kImds) {
    return skip(id, title, "not used: " + plan.edition.name + " does not activate through IMDS here");
  }
  Check c = make(id, title);
  const std::string path = activation::kImdsTaskPath;
  if (!t.available) {
    c.status = Status::kWarn;
    c.summary = "cannot ask Task Scheduler: " + t.error;
    c.remedy = "run elevated";
    return c;
  }
  if (!t.exists || !t.enabled) {
    c.status = Status::kFail;
    c.summary = path + (t.exists ? " is disabled" : " does not exist");
    c.remedy = plan_summary(plan);
    return c;
  }
  c.evidence.push_back("state " + t.state + ", last run " +
                       (t.last_run.empty() ? std::string("never") : t.last_run));
  if (t.last_result) c.evidence.push_back("last result " + activation::describe_error_code(*t.last_result));
  for (const auto& a : t.actions) c.evidence.push_back("action: " + a);
  for (const auto& k : t.triggers) c.evidence.push_back("trigger: " + k);
  if (t.last_result && *t.last_result == 0x41303) {
    c.status = Status::kWarn;
    c.summary = path + " has never run";
    c.remedy = plan_summary(plan);
  } else if (t.last_result && *t.last_result != 0) {
    c.status = Status::kFail;
    c.summary = path + " last failed: " + activation::describe_error_code(*t.last_result);
    const auto info = activation::lookup_error_code(*t.last_result);
    c.remedy = info && *info->remedy ? std::string(info->remedy) : plan_summary(plan);
  } else {
    c.status = Status::kPass;
    c.summary = path + " is enabled" + (t.last_result ? " and its last run succeeded" : "");
  }
  return c;
}

// The commands that put hciattest's own path for the signer (its bundled CAs) into the Windows
// LocalMachine stores, where fclip.exe looks; empty when no bundled CA is on the path.
std::string bundled_chain_install_commands(const Facts& f) {
  if (!f.verification) return {};
  const std::vector<attest::AnchorEntry> bundle = attest::bundled_anchors();
  std::string out;
  int step = 0;
  for (std::size_t i = 1; i < f.verification->chain.size(); ++i) {
    const auto& cert = f.verification->chain[i];
    for (const auto& e : bundle) {
      if (e.certificate.sha256_hex != cert.sha256_hex) continue;
      out += (out.empty() ? "" : "; ") + std::string("(") + std::to_string(++step) + ") " +
             "hciattest anchors --export " + e.name + " --out " + e.name + ".crt && certutil " +
             "-addstore " + (e.root ? "Root " : "CA ") + e.name + ".crt";
    }
  }
  return out;
}

Check check_windows_chain(const Facts& f) {
  const char* id = "windows-chain";
  const char* title = "Windows' chain engine builds the signer's chain (what fclip.exe needs)";
  if (!f.windows_chain) return skip(id, title, "skipped: no attested document was fetched");
  const activation::WindowsChainResult& w = *f.windows_chain;
  if (!w.available) {
    if (not_applicable(w.error)) return skip(id, title, w.error);
    Check c = make(id, title);
    c.status = Status::kWarn;
    c.summary = "cannot ask Windows' chain engine: " + w.error;
    return c;
  }
  Check c = make(id, title);
  for (const auto& subject : w.chain) c.evidence.push_back("chain: " + subject);
  for (const auto& problem : w.problems) c.evidence.push_back("problem: " + problem);
  if (w.trusted) {
    c.status = Status::kPass;
    c.summary = "the LocalMachine stores build and trust the signer's chain";
    return c;
  }
  const bool ours_passed = f.verification && f.verification->verified;
  c.status = Status::kFail;
  c.summary = std::string("Windows cannot build a trusted chain for the signer") +
              (ours_passed ? " although hciattest's own check passes: fclip.exe fails, and Azure "
                             "Edition shows the \"not activated\" watermark"
                           : "");
  if (!w.missing_issuer.empty()) c.evidence.push_back("missing issuer: " + w.missing_issuer);
  const std::string install = bundled_chain_install_commands(f);
  if (!install.empty()) {
    c.remedy = "install the chain hciattest built into the LocalMachine stores, elevated: " +
               install + "; then start Windows' activation again (schtasks /run /tn "
               "\"\\Microsoft\\Windows\\Clip\\LicenseImdsIntegration\", or run "
               "%SystemRoot%\\System32\\fclip.exe) and sign out and in";
  } else if (!w.missing_issuer.empty()) {
    c.remedy = "install the issuer " + w.missing_issuer + " into the LocalMachine Intermediate "
               "Certification Authorities store (certutil -addstore CA <file.crt>; the "
               "attested-document check's evidence names its AIA address), then run the "
               "LicenseImdsIntegration task and sign out and in";
  } else {
    c.remedy = "add the chain's root to the LocalMachine Trusted Root Certification Authorities "
               "store (certutil -addstore Root <file.crt>) or let Windows Update refresh the "
               "roots, then run the LicenseImdsIntegration task and sign out and in";
  }
  return c;
}

Check check_chain_expiry(const Facts& f) {
  const char* id = "chain-expiry";
  const char* title = "no CA of the document's chain expires soon";
  if (!f.verification || !f.verification->verified) {
    return skip(id, title, "skipped: the attested document did not verify");
  }
  const attest::VerificationReport& r = *f.verification;
  Check c = make(id, title);
  if (r.warnings.empty()) {
    c.status = Status::kPass;
    c.summary = "every CA of the chain stays valid for more than the warning window";
    return c;
  }
  c.status = Status::kWarn;
  for (const auto& w : r.warnings) {
    c.evidence.push_back(w.subject + " [" + w.origin + "] expires " + w.not_after);
  }
  c.summary = r.warnings.front().message;
  c.remedy = "update hciattest (a newer release bundles the successor CA), or pass the successor "
             "with --intermediates-file; `hciattest anchors --expiring-within 60` lists the "
             "bundled certificates concerned";
  return c;
}

Check check_spp_events(const Facts& f) {
  const char* id = "spp-events";
  const char* title = "Security-SPP events (Windows' own activation attempts)";
  const activation::SppEventReading& r = f.spp_events;
  if (!r.available) {
    if (not_applicable(r.error)) return skip(id, title, r.error);
    Check c = make(id, title);
    c.status = Status::kWarn;
    c.summary = "cannot read the Application log: " + r.error;
    return c;
  }
  const activation::SppSummary s = activation::summarize_spp_events(r.events);
  if (!s.any) return skip(id, title, s.summary);
  Check c = make(id, title);
  c.summary = s.summary;
  c.evidence = s.evidence;
  if (!s.failing) {
    c.status = Status::kPass;
    return c;
  }
  // An old failure on a machine that is activated now is worth a look, not a failure.
  c.status = f.activation.licensing.activated() ? Status::kWarn : Status::kFail;
  const auto info = s.last_error ? activation::lookup_error_code(*s.last_error) : std::nullopt;
  c.remedy = info && *info->remedy ? std::string(info->remedy)
                                   : "hciattest kms probe <the host named above> shows whether a "
                                     "KMS host answers; hciattest activate --plan shows the repair";
  return c;
}

}  // namespace

std::vector<activation::FirewallFlow> firewall_flows(const Facts& f) {
  std::vector<activation::FirewallFlow> flows;
  const Platform p = f.platform.platform;
  flows.push_back({"IMDS", "169.254.169.254", 80, {}, ""});
  if (p != Platform::kAzure && p != Platform::kAws) {
    flows.push_back({"the HCI host's IMDS", "169.254.169.253", 80, {}, ""});
  }
  // The KMS client: the Software Protection service, or its KMS connection broker.
  const std::vector<std::string>& kms_programs = activation::kms_client_programs();
  if (p == Platform::kAzure) {
    const std::string cloud = f.activation.cloud.empty() ? "public" : f.activation.cloud;
    std::vector<std::string> resolved;
    for (const auto& k : f.kms) resolved.insert(resolved.end(), k.addresses.begin(), k.addresses.end());
    for (const auto& a : ipv4_only(activation::kms_addresses_for(cloud, resolved))) {
      std::string host = "a KMS address";
      for (const auto& e : activation::kms_hosts_for(cloud)) {
        const auto& d = e.documented_addresses;
        if (std::find(d.begin(), d.end(), a) != d.end()) host = e.host;
      }
      flows.push_back({"KMS " + host, a, 1688, kms_programs, ""});
    }
  } else if (p == Platform::kAws) {
    for (const auto& e : activation::kms_hosts_for("aws")) {
      flows.push_back({"AWS KMS", e.host, e.port, kms_programs, ""});
    }
  }
  return flows;
}

MachineIdentity machine_identity(const Facts& f, const std::string& name) {
  MachineIdentity m;
  m.name = name;
  m.smbios_uuid = f.smbios.product_uuid;
  if (f.verification && f.verification->verified && f.verification->payload) {
    m.vm_id = f.verification->payload->vm_id;
    m.subscription_id = f.verification->payload->subscription_id;
  }
  return m;
}

std::vector<Check> evaluate(const Facts& f) {
  std::vector<Check> out;
  std::vector<activation::FlowFinding> firewall;
  if (f.firewall.available) {
    for (const auto& flow : firewall_flows(f)) {
      firewall.push_back(activation::evaluate_flow(f.firewall.policy, flow));
    }
  }
  out.push_back(check_platform(f));
  out.push_back(check_proxy(f));
  out.push_back(check_hci_nic(f));
  out.push_back(check_vmbus_path(f, out.back()));
  out.push_back(check_imds(f));
  out.push_back(check_document(f));
  out.push_back(check_chain_expiry(f));
  out.push_back(check_windows_chain(f));
  out.push_back(check_windows_firewall(f, firewall));
  const Platform p = f.platform.platform;
  if (p == Platform::kAws) {
    Check routes = check_aws_routes(f);
    const bool routes_ok = routes.status == Status::kPass;
    out.push_back(routes);
    out.push_back(check_aws_launch_agent(f));
    for (size_t i = 0; i < f.kms.size(); ++i) {
      const std::string id = "aws-kms-" + std::to_string(i + 1);
      out.push_back(routes_ok ? check_kms(f, f.kms[i], id)
                              : skip(id.c_str(), ("KMS " + f.kms[i].target.text()).c_str(),
                                     "skipped: aws-kms-routes failed"));
    }
  } else if (p == Platform::kAzure) {
    for (const auto& k : f.kms) out.push_back(check_kms(f, k, "azure-kms"));
  } else {
    out.push_back(skip("kms", "classic KMS (Server SKUs on Azure and AWS)",
                       "not applicable: KMS checks run on Azure and AWS VMs"));
  }
  activation::ActivationFacts activation = f.activation;
  activation.platform = p;
  const activation::ActivationPlan plan = activation::plan_activation(activation, {});
  out.push_back(check_licensing(f, plan));
  out.push_back(check_imds_task(f, plan));
  out.push_back(check_spp_events(f));
  return out;
}

}  // namespace hciattest::doctor
