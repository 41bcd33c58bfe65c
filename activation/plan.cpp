#include "activation/plan.h"

#include <algorithm>
#include <cctype>

#include "activation/kms_hosts.h"
#include "activation/product_keys.h"
#include "io/ascii.h"

namespace hciattest::activation {
namespace {

using hostcheck::Platform;

PlanStep make_step(StepKind kind, std::string title, std::string why, std::string precondition,
                   std::string action, std::string postcondition) {
  PlanStep s;
  s.kind = kind;
  s.title = std::move(title);
  s.why = std::move(why);
  s.precondition = std::move(precondition);
  s.action = std::move(action);
  s.postcondition = std::move(postcondition);
  return s;
}

bool imds_family(EditionFamily f) {
  return f == EditionFamily::kMultiSession || f == EditionFamily::kServerAzureEdition;
}

// The automatic choice, from Microsoft's guidance as FACTS.md records it: multi-session and Azure
// Edition activate through the attested document on Azure Stack HCI (multi-session also on Azure,
// where AVD runs it); Server images on Azure and AWS use their cloud's KMS; on HCI other Server
// images keep their own method (AVMA, a customer KMS, MAK).
Method auto_method(const ActivationFacts& f, const Edition& e, std::string& reason) {
  const Platform p = f.platform;
  switch (e.family) {
    case EditionFamily::kMultiSession:
      if (p == Platform::kAzure || p == Platform::kAzureStackHci) {
        reason = e.name + " activates through the IMDS attested document (LicenseImdsIntegration)";
        return Method::kImds;
      }
      reason = e.name + " is licensed only on Azure and Azure Stack HCI";
      return Method::kAuto;
    case EditionFamily::kServerAzureEdition:
      if (p == Platform::kAzureStackHci) {
        reason = e.name + " on Azure Stack HCI activates through the IMDS attested document";
        return Method::kImds;
      }
      if (p == Platform::kAzure) {
        reason = e.name + " on Azure activates against Azure's KMS";
        return Method::kKms;
      }
      reason = e.name + " runs only on Azure and Azure Stack HCI";
      return Method::kAuto;
    case EditionFamily::kServerStandard:
    case EditionFamily::kServerDatacenter:
      if (p == Platform::kAzure || p == Platform::kAws) {
        reason = e.name + std::string(" on ") + (p == Platform::kAzure ? "Azure" : "AWS") +
                 " activates against the cloud's KMS";
        return Method::kKms;
      }
      reason = e.name + " here uses the method its owner chose (AVMA, your KMS, or a MAK): give "
                        "--method kms --kms-host HOST to use a KMS";
      return Method::kAuto;
    case EditionFamily::kEnterprise:
      reason = e.name + " activates through your organisation's KMS or subscription activation: "
                        "give --method kms --kms-host HOST to use a KMS";
      return Method::kAuto;
    case EditionFamily::kServerEvaluation:
      reason = e.name + " cannot be activated as it is: convert it first (DISM /Online "
                        "/Set-Edition:ServerDatacenter /ProductKey:<KMS client key> /AcceptEula)";
      return Method::kAuto;
    case EditionFamily::kOther: break;
  }
  reason = e.name + " is not an edition hciattest knows how to activate";
  return Method::kAuto;
}

void plan_imds(const ActivationFacts& f, ActivationPlan& p) {
  const std::string task = kImdsTaskPath;
  if (!f.task.available) {
    p.refusals.push_back("cannot read the task " + task + ": " + f.task.error);
    return;
  }
  if (!f.task.exists) {
    p.refusals.push_back("the task " + task + " does not exist on this VM: Windows updates bring "
                         "it to the editions that activate through IMDS; install the latest "
                         "cumulative update");
    return;
  }
  if (!f.task.enabled) {
    PlanStep s = make_step(StepKind::kEnableTask, "enable " + task, "the task is disabled, so fclip.exe "
               "never fetches the attested document", "the task exists and is disabled",
               "enable the task (journaled: it was disabled)", "the task is enabled");
    p.steps.push_back(s);
  }
  PlanStep run = make_step(StepKind::kRunTask, "run " + task,
               "it runs fclip.exe, which fetches the attested document (.254, then .253) and "
               "hands it to the licensing service",
               "the task is enabled and not running",
               "run the task ignoring its conditions, wait up to 120 s for it to finish, re-read "
               "the licensing state; run it once more if Windows is still not activated",
               "LicenseStatus = 1 (Licensed)");
  p.steps.push_back(run);
  p.notes.push_back("fclip.exe needs the attested document and its chain in the LocalMachine "
                    "store: hciattest doctor checks both");
}

std::string kms_host_for(const ActivationFacts& f, const PlanOptions& o, std::uint16_t& port,
                         std::string& why_not) {
  if (o.kms_host) {
    port = o.kms_host->port;
    return o.kms_host->host;
  }
  const std::string cloud = f.platform == Platform::kAws ? "aws" : f.cloud;
  if (f.platform != Platform::kAzure && f.platform != Platform::kAws) {
    why_not = "this is not an Azure or AWS VM, so there is no cloud KMS: give --kms-host HOST[:PORT]";
    return {};
  }
  const auto hosts = kms_hosts_for(cloud);
  if (hosts.empty()) {
    why_not = "no KMS host is known for cloud \"" + cloud + "\": give --kms-host HOST[:PORT]";
    return {};
  }
  port = hosts.front().port;
  return hosts.front().host;
}

void plan_aws_routes(const ActivationFacts& f, ActivationPlan& p) {
  if (!f.default_route) {
    p.refusals.push_back("no default route: the subnet gateway for the KMS routes is unknown; "
                         "fix the primary adapter first");
    return;
  }
  const hostcheck::Route& def = *f.default_route;
  for (const auto& r : f.aws_routes) {
    const bool ok = r.route && r.route->gateway == def.gateway &&
                    r.route->interface_index == def.interface_index;
    if (ok) continue;
    PlanStep s = make_step(StepKind::kSetRoute, "route " + r.target + "/32 via " + def.gateway,
               r.route ? "it is routed via " + (r.route->gateway.empty() ? std::string("on-link")
                                                                          : r.route->gateway) +
                             " on " + r.route->interface_name +
                             ", not the subnet gateway (EC2Launch v1 sets these routes once, at "
                             "first boot: an AMI restored into another subnet keeps the old ones)"
                       : "there is no route to it",
               "the route to " + r.target + " does not go through " + def.gateway,
               "add a persistent route " + r.target + "/32 via " + def.gateway + " on " +
                   def.interface_name + " metric " + std::to_string(def.metric) +
                   " (journaled: the route it replaces)",
               "the route to " + r.target + " goes via " + def.gateway);
    s.target = r.target;
    s.gateway = def.gateway;
    s.interface_name = def.interface_name;
    s.interface_index = def.interface_index;
    s.metric = def.metric;
    p.steps.push_back(s);
  }
  if (f.launch_agent) {
    const bool repairing = std::any_of(p.steps.begin(), p.steps.end(),
                                       [](const PlanStep& s) { return s.kind == StepKind::kSetRoute; });
    p.notes.push_back("launch agent: " + f.launch_agent->summary +
                      (repairing ? "; " + f.launch_agent->persistence : std::string()));
  }
}

void plan_key(const ActivationFacts& f, const PlanOptions& o, ActivationPlan& p) {
  const std::string channel = f.licensing.channel();
  if (channel == "VOLUME_KMSCLIENT") return;
  const auto key = kms_client_key_for(p.edition);
  if (!key) {
    p.refusals.push_back("Microsoft publishes no KMS client key for " + p.edition.name +
                         ", and the installed key is not one (channel " +
                         (channel.empty() ? "unknown" : channel) + ")");
    return;
  }
  const bool avma = channel == "VIRTUAL_MACHINE_ACTIVATION";
  const std::string installed = "channel " + (channel.empty() ? std::string("unknown") : channel) +
                                ", key ending " + f.licensing.partial_product_key;
  if (!avma && !o.allow_key_change) {
    p.refusals.push_back("the installed key (" + installed + ") is not a KMS client key; "
                         "replacing it cannot be undone, because Windows does not give the old "
                         "key back: keep it on record, then add --allow-key-change");
    return;
  }
  PlanStep s = make_step(StepKind::kInstallKey, "install the KMS client key for " + p.edition.name,
             avma ? "an AVMA key activates only on an AVMA Hyper-V host (0xC004FD01 elsewhere)"
                  : "a " + channel + " key does not activate against KMS",
             "the installed key is " + installed,
             "install " + *key + " (Microsoft's published KMS client key)",
             "the channel is VOLUME_KMSCLIENT");
  s.reversible = false;
  s.key = *key;
  p.steps.push_back(s);
  p.notes.push_back(avma ? "AVMA keys are published by Microsoft: to move back to an AVMA host, "
                           "install the AVMA key for this edition again"
                         : "undo cannot reinstall the previous key (" + installed + ")");
}

void plan_kms(const ActivationFacts& f, const PlanOptions& o, ActivationPlan& p) {
  if (p.edition.family == EditionFamily::kMultiSession) {
    p.refusals.push_back("never on " + p.edition.name + ": Microsoft publishes no KMS key for it "
                         "and changing its key cannot be reverted; it activates through IMDS");
    return;
  }
  if (p.edition.family == EditionFamily::kServerEvaluation) {
    p.refusals.push_back(p.edition.name + " must be converted to a full edition before it can "
                         "activate against KMS (DISM /Online /Set-Edition)");
    return;
  }
  std::uint16_t port = kKmsDefaultPort;
  std::string why_not;
  const std::string host = kms_host_for(f, o, port, why_not);
  if (host.empty()) {
    p.refusals.push_back(why_not);
    return;
  }
  if (f.platform == Platform::kAws && io::ascii_lower(host).rfind("169.254.169.", 0) == 0) {
    plan_aws_routes(f, p);
  }
  plan_key(f, o, p);
  // A refusal ends the plan: steps after it would never run and would only mislead.
  if (!p.refusals.empty()) return;
  const std::uint16_t current_port = f.licensing.kms_port == 0 ? kKmsDefaultPort : f.licensing.kms_port;
  if (io::ascii_lower(f.licensing.kms_machine) != io::ascii_lower(host) || current_port != port) {
    PlanStep s = make_step(StepKind::kSetKmsHost, "set the KMS host to " + host + ":" + std::to_string(port),
               f.licensing.kms_machine.empty()
                   ? "no KMS host is set, so Windows looks for one in DNS (_vlmcs._tcp), which "
                     "cloud VMs do not have"
                   : "it is set to " + f.licensing.kms_machine + ":" + std::to_string(current_port),
               "KeyManagementServiceMachine is \"" + f.licensing.kms_machine + "\", port " +
                   std::to_string(current_port),
               "set KeyManagementServiceMachine = " + host + " and KeyManagementServicePort = " +
                   std::to_string(port) + " (journaled: the previous values)",
               "the licensing service reports " + host + ":" + std::to_string(port));
    s.host = host;
    s.port = port;
    p.steps.push_back(s);
  }
  PlanStep act = make_step(StepKind::kActivate, "activate against " + host + ":" + std::to_string(port),
               "Windows is not activated", "the channel is VOLUME_KMSCLIENT and the KMS host is set",
               "SoftwareLicensingProduct.Activate(), then re-read the licensing state",
               "LicenseStatus = 1 (Licensed); on failure the HRESULT is decoded");
  act.host = host;
  act.port = port;
  p.steps.push_back(act);
}

}  // namespace

const char* method_id(Method m) {
  switch (m) {
    case Method::kAuto: return "auto";
    case Method::kImds: return "imds";
    case Method::kKms: return "kms";
  }
  return "auto";
}

const char* step_kind_id(StepKind k) {
  switch (k) {
    case StepKind::kEnableTask: return "enable-task";
    case StepKind::kRunTask: return "run-task";
    case StepKind::kSetRoute: return "set-route";
    case StepKind::kInstallKey: return "install-key";
    case StepKind::kSetKmsHost: return "set-kms-host";
    case StepKind::kActivate: return "activate";
  }
  return "activate";
}

ActivationPlan plan_activation(const ActivationFacts& f, const PlanOptions& o) {
  ActivationPlan p;
  p.edition = classify_edition(f.version);
  if (!f.licensing.available) {
    p.refusals.push_back("the licensing state could not be read: " + f.licensing.error);
    return p;
  }
  std::string reason;
  const Method automatic = auto_method(f, p.edition, reason);
  p.method = o.method == Method::kAuto ? automatic : o.method;
  p.method_reason = o.method == Method::kAuto ? reason
                                              : std::string("--method ") + method_id(o.method) +
                                                    " (automatic choice: " + reason + ")";
  if (f.licensing.activated()) {
    p.already_activated = true;
    p.notes.push_back("Windows is activated (" + std::string(license_status_text(f.licensing.status)) +
                      ", channel " + f.licensing.channel() + "): nothing to do");
    return p;
  }
  if (o.method == Method::kImds && !imds_family(p.edition.family)) {
    p.refusals.push_back("only Windows 10/11 Enterprise multi-session and Windows Server "
                         "Datacenter: Azure Edition activate through IMDS, not " + p.edition.name);
    return p;
  }
  if (p.method == Method::kAuto) {
    p.refusals.push_back(reason);
    return p;
  }
  if (p.method == Method::kImds) {
    plan_imds(f, p);
  } else {
    plan_kms(f, o, p);
  }
  p.needs_elevation = !f.elevated && !p.steps.empty();
  return p;
}

}  // namespace hciattest::activation
