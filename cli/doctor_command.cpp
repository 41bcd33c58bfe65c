#include "cli/doctor_command.h"

#include <CLI/CLI.hpp>

#include <cstdlib>

#include <nlohmann/json.hpp>
#include <ostream>

#include "activation/kms_hosts.h"
#include "activation/spp_events.h"
#include "activation/windows_chain.h"
#include "attest/embedded_certificates.h"
#include "cli/activate_command.h"
#include "cli/kms_command.h"
#include "cli/exit_codes.h"
#include "cli/imds_commands.h"
#include "cli/usage_error.h"
#include "cli/verify_render.h"

#ifndef HCIATTEST_VERSION
#define HCIATTEST_VERSION "0.0.0"
#endif

namespace hciattest::cli {
namespace {

using std::chrono::milliseconds;

std::optional<std::string> hci_adapter_of(const DoctorFacts& f) {
  if (!f.route_253.ok() || !f.adapters.ok()) return std::nullopt;
  return hostcheck::hci_imds_adapter(*f.adapters.value, *f.route_253.value);
}

activation::KmsProbeReport probe_kms_host(const activation::KmsHostEntry& e,
                                          hostcheck::NetworkInspector& net) {
  activation::KmsTarget t;
  t.host = e.host;
  t.port = e.port;
  return activation::probe_kms(t, milliseconds(3000), kms_probe_deps(net));
}

void collect_kms(const DoctorCommandOptions& o, hostcheck::NetworkInspector& net, DoctorFacts& f) {
  if (f.platform.platform == hostcheck::Platform::kAzure) {
    const auto hosts = activation::kms_hosts_for(o.cloud.empty() ? "public" : o.cloud);
    if (!hosts.empty()) f.kms.push_back(probe_kms_host(hosts.front(), net));
  } else if (f.platform.platform == hostcheck::Platform::kAws) {
    auto table = net.ipv4_routes();
    hostcheck::Result<hostcheck::Route> def;
    if (table.ok()) {
      def.value = hostcheck::default_route(*table.value);
      if (!def.ok()) def.error = "the routing table has no default route";
    } else {
      def.error = table.error;
    }
    f.default_route = def;
    for (const auto& e : activation::kms_hosts_for("aws")) {
      f.aws_routes.push_back({e.host, net.route_to(e.host)});
      f.kms.push_back(probe_kms_host(e, net));
    }
  }
}

}  // namespace

CLI::App* add_doctor_command(CLI::App& app, DoctorCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "doctor",
      "Check the whole attestation path of this VM: platform, IMDS adapter and route, IMDS, the "
      "attested document, proxy, Windows Firewall, KMS (and on AWS the routes and the launch "
      "agent), Windows licensing, the LicenseImdsIntegration task, Windows' chain engine, "
      "Security-SPP events; each check with evidence and the remedy");
  cmd->add_option("--output,-o", o.output,
                  "text, json (schema docs/report-schema.json), junit, or summary (one line of at "
                  "most 2,048 ASCII bytes, for Intune and Run Command)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "junit", "summary"}));
  cmd->add_option("--timeout", o.timeout_seconds, "IMDS time limit in seconds, retries included")
      ->capture_default_str()
      ->check(CLI::Range(0.5, 600.0));
  cmd->add_option("--endpoint", o.endpoints, "IMDS base URL instead of .254 then .253 (repeatable)")
      ->type_name("URL");
  cmd->add_flag("--strict", o.strict, "Warnings fail too (exit 1 instead of 3)");
  cmd->add_option("--ca-file", o.ca_files, "Extra trusted anchors for the attested document")
      ->type_name("PEM");
  cmd->add_option("--signer-domain", o.signer_domains, "Accept this signer domain (repeatable)")
      ->type_name("D");
  cmd->add_option("--cloud", o.cloud, "public, usgov, china or germany")
      ->check(CLI::IsMember({"public", "usgov", "china", "germany"}));
  return cmd;
}

DoctorFacts collect_doctor_facts(const DoctorCommandOptions& o, CommandIo& io,
                                 hostcheck::NetworkInspector& net) {
  // Arguments first: a usage error must not cost a single probe.
  imds::ImdsRequest req;
  if (!o.endpoints.empty()) req.endpoints = checked_endpoints(o.endpoints);
  req.timeout = milliseconds(static_cast<std::int64_t>(o.timeout_seconds * 1000));
  VerifyCommandOptions vo;
  vo.ca_files = o.ca_files;
  vo.signer_domains = o.signer_domains;
  vo.cloud = o.cloud;
  auto trust = build_trust(vo);
  attest::VerifyOptions options = build_options(vo, io);

  DoctorFacts f;
  f.smbios = hostcheck::read_smbios();
  f.adapters = net.adapters();
  f.route_253 = net.route_to("169.254.169.253");
  // Probe the host's IMDS port only through a link-local adapter: never send it to a gateway.
  const std::optional<std::string> hci_adapter = hci_adapter_of(f);
  if (hci_adapter) {
    f.tcp_253 = net.tcp_connect("169.254.169.253", 80, milliseconds(1500));
  } else {
    f.tcp_253.error = "not probed: no on-link route through a 169.254.x.x adapter";
  }
  f.services_supported = hostcheck::services_supported();
  if (f.services_supported) f.guest_interface = hostcheck::query_service("vmicguestinterface");
  for (const char* var : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                          "ALL_PROXY", "no_proxy", "NO_PROXY"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') f.proxy_env[var] = v;
  }
  f.imds_attempted = true;
  const RaceStart race = race_start(o.endpoints.empty(), std::nullopt, false, hci_adapter);
  req.head_start = race.head_start;
  f.imds_race = race.why;
  imds::ClientEnvironment env = imds::real_environment();
  f.imds = imds::fetch(req, env);
  if (f.imds.ok) {
    options.expected_nonce = f.imds.nonce;
    attest::Verifier verifier(trust, options);
    f.verification = verify_fetched(req, f.imds, verifier, env, f.imds_note);
    f.windows_chain = activation::check_windows_chain(attest::embedded_certificates(f.imds.body));
  }
  if (f.imds.ok) {
    imds::ImdsRequest instance = req;
    instance.path = "/metadata/instance";
    instance.endpoints = {f.imds.endpoint};
    instance.send_nonce = false;
    instance.timeout = milliseconds(5000);
    imds::ImdsResult r = imds::fetch(instance, imds::real_environment());
    auto body = nlohmann::json::parse(r.ok ? r.body : std::string(), nullptr, false);
    if (body.is_object() && body.contains("compute") && body["compute"].is_object()) {
      const auto& compute = body["compute"];
      for (const char* key : {"azEnvironment", "location", "vmId", "osType", "sku", "licenseType"}) {
        auto it = compute.find(key);
        if (it != compute.end() && it->is_string()) {
          f.instance_evidence.push_back(std::string(key) + "=" + it->get<std::string>());
        }
      }
      auto text = [&](const char* key) {
        auto it = compute.find(key);
        return it != compute.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      f.azure_vm = {text("resourceGroupName"), text("name"), text("subscriptionId")};
    } else {
      f.instance_evidence.push_back("/metadata/instance did not answer: " +
                                    (r.ok ? std::string("not JSON") : r.error));
    }
  }
  f.platform = hostcheck::detect_platform(f.smbios, f.imds.ok ? f.imds.endpoint : "");
  collect_kms(o, net, f);
  // The AWS routes the KMS checks looked up are the ones the activation plan works from.
  f.activation = collect_machine_activation_facts(f.platform.platform, o.cloud);
  if (f.default_route && f.default_route->ok()) f.activation.default_route = *f.default_route->value;
  for (const auto& r : f.aws_routes) {
    f.activation.aws_routes.push_back(
        {r.target, r.route.ok() ? std::optional<hostcheck::Route>(*r.route.value) : std::nullopt});
  }
  f.spp_events = activation::read_spp_events(50);
  f.firewall = activation::read_firewall();
  return f;
}

int run_doctor(const DoctorCommandOptions& o, CommandIo& io) {
  try {
    auto inspector = hostcheck::make_network_inspector();
    DoctorFacts facts = collect_doctor_facts(o, io, *inspector);
    DoctorReport report;
    report.tool_version = HCIATTEST_VERSION;
    report.machine = machine_identity(facts, hostcheck::computer_name());
    report.generated_at = iso8601(io.now());
    report.platform = std::string(hostcheck::platform_id(facts.platform.platform));
    report.platform_summary = facts.platform.summary;
    report.checks = evaluate_doctor(facts);
    if (o.output == "json") io.out << doctor_to_json(report).dump(2) << "\n";
    else if (o.output == "junit") io.out << doctor_to_junit(report);
    else if (o.output == "summary") {
      io.out << render_summary(doctor_summary(report, o.strict)) << "\n";
    }
    else io.out << doctor_to_text(report, io.color);
    return doctor_exit_code(report, o.strict);
  } catch (const UsageError& e) {
    io.err << "hciattest doctor: " << e.message << "\n";
    return kExitUsage;
  }
}

}  // namespace hciattest::cli
