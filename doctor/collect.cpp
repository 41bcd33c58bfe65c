#include "doctor/collect.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "activation/kms_hosts.h"
#include "activation/machine.h"
#include "attest/embedded_certificates.h"
#include "doctor/imds_document.h"

namespace hciattest::doctor {
namespace {

std::optional<std::string> hci_adapter_of(const Facts& f) {
  if (!f.route_253.ok() || !f.adapters.ok()) return std::nullopt;
  return hostcheck::hci_imds_adapter(*f.adapters.value, *f.route_253.value);
}

activation::KmsProbeReport probe_kms_host(const activation::KmsHostEntry& e, const Machine& m) {
  activation::KmsTarget t;
  t.host = e.host;
  t.port = e.port;
  return activation::probe_kms(t, kKmsProbeTimeout, m.kms);
}

void collect_kms(const std::string& cloud, const Machine& m, Facts& f) {
  if (f.platform.platform == hostcheck::Platform::kAzure) {
    const auto hosts = activation::kms_hosts_for(cloud.empty() ? "public" : cloud);
    if (!hosts.empty()) f.kms.push_back(probe_kms_host(hosts.front(), m));
  } else if (f.platform.platform == hostcheck::Platform::kAws) {
    auto table = m.net->ipv4_routes();
    hostcheck::Result<hostcheck::Route> def;
    if (table.ok()) {
      def.value = hostcheck::default_route(*table.value);
      if (!def.ok()) def.error = "the routing table has no default route";
    } else {
      def.error = table.error;
    }
    f.default_route = def;
    for (const auto& e : activation::kms_hosts_for("aws")) {
      f.aws_routes.push_back({e.host, m.net->route_to(e.host)});
      f.kms.push_back(probe_kms_host(e, m));
    }
  }
}

std::map<std::string, std::string> real_proxy_env() {
  std::map<std::string, std::string> out;
  for (const char* var : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                          "ALL_PROXY", "no_proxy", "NO_PROXY"}) {
    if (const char* v = std::getenv(var); v != nullptr && *v != '\0') out[var] = v;
  }
  return out;
}

}  // namespace

Machine real_machine(hostcheck::NetworkInspector& net) {
  Machine m;
  m.net = &net;
  m.smbios = hostcheck::read_smbios;
  m.services_supported = hostcheck::services_supported;
  m.query_service = hostcheck::query_service;
  m.proxy_env = real_proxy_env;
  m.imds = imds::real_environment();
  m.kms = activation::kms_probe_deps(net);
  m.activation = activation::read_machine_activation_facts;
  m.windows_chain = [](const std::vector<std::vector<unsigned char>>& certificates) {
    return activation::check_windows_chain(certificates);
  };
  m.spp_events = [] { return activation::read_spp_events(50); };
  m.firewall = activation::read_firewall;
  return m;
}

void read_instance_metadata(const imds::ImdsResult& r, Facts& f) {
  auto body = nlohmann::json::parse(r.ok ? r.body : std::string(), nullptr, false);
  if (!body.is_object() || !body.contains("compute") || !body["compute"].is_object()) {
    f.instance_evidence.push_back("/metadata/instance did not answer: " +
                                  (r.ok ? std::string("not JSON") : r.error));
    return;
  }
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
}

Facts collect(const Inputs& in, const Machine& m) {
  Facts f;
  f.smbios = m.smbios();
  f.adapters = m.net->adapters();
  f.route_253 = m.net->route_to("169.254.169.253");
  // Probe the host's IMDS port only through a link-local adapter: never send it to a gateway.
  const std::optional<std::string> hci_adapter = hci_adapter_of(f);
  if (hci_adapter) {
    f.tcp_253 = m.net->tcp_connect("169.254.169.253", 80, kHostPortProbeTimeout);
  } else {
    f.tcp_253.error = "not probed: no on-link route through a 169.254.x.x adapter";
  }
  f.services_supported = m.services_supported();
  if (f.services_supported) f.guest_interface = m.query_service("vmicguestinterface");
  f.proxy_env = m.proxy_env();

  imds::ImdsRequest req = in.request;
  f.imds_attempted = true;
  const RaceStart race = race_start(in.default_endpoints, std::nullopt, false, hci_adapter);
  req.head_start = race.head_start;
  f.imds_race = race.why;
  imds::ClientEnvironment env = m.imds;
  f.imds = imds::fetch(req, env);
  if (f.imds.ok) {
    attest::VerifyOptions options = in.options;
    options.expected_nonce = f.imds.nonce;
    attest::Verifier verifier(in.trust, options);
    f.verification = verify_fetched(req, f.imds, verifier, env, f.imds_note);
    f.windows_chain = m.windows_chain(attest::embedded_certificates(f.imds.body));

    imds::ImdsRequest instance = req;
    instance.path = "/metadata/instance";
    instance.endpoints = {f.imds.endpoint};
    instance.send_nonce = false;
    instance.timeout = kInstanceTimeout;
    read_instance_metadata(imds::fetch(instance, env), f);
  }
  f.platform = hostcheck::detect_platform(f.smbios, f.imds.ok ? f.imds.endpoint : "");
  collect_kms(in.cloud, m, f);
  // The AWS routes the KMS checks looked up are the ones the activation plan works from.
  f.activation = m.activation(f.platform.platform, in.cloud);
  if (f.default_route && f.default_route->ok()) f.activation.default_route = *f.default_route->value;
  for (const auto& r : f.aws_routes) {
    f.activation.aws_routes.push_back(
        {r.target, r.route.ok() ? std::optional<hostcheck::Route>(*r.route.value) : std::nullopt});
  }
  f.spp_events = m.spp_events();
  f.firewall = m.firewall();
  return f;
}

}  // namespace hciattest::doctor
