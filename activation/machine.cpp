#include "activation/machine.h"

#include "activation/kms_hosts.h"
#include "activation/launch_agent.h"
#include "activation/licensing.h"
#include "activation/task_scheduler.h"

namespace hciattest::activation {

ActivationFacts read_machine_activation_facts(hostcheck::Platform platform,
                                              const std::string& cloud) {
  ActivationFacts f;
  f.platform = platform;
  f.cloud = cloud.empty() ? "public" : cloud;
  f.licensing = read_licensing_state();
  std::string error;
  if (auto v = read_windows_version(error)) f.version = *v;
  f.task = make_task_scheduler()->read(kImdsTaskFolder, kImdsTaskName);
  f.elevated = running_elevated();
  if (platform == hostcheck::Platform::kAws) {
    const LaunchAgentProbe agent = probe_launch_agent();
    if (agent.not_applicable.empty()) f.launch_agent = classify_launch_agent(agent);
  }
  return f;
}

ActivationFacts read_activation_facts(hostcheck::Platform platform, const std::string& cloud,
                                      hostcheck::NetworkInspector& net) {
  ActivationFacts f = read_machine_activation_facts(platform, cloud);
  if (platform == hostcheck::Platform::kAws) {
    auto table = net.ipv4_routes();
    if (table.ok()) f.default_route = hostcheck::default_route(*table.value);
    for (const auto& e : kms_hosts_for("aws")) {
      auto r = net.route_to(e.host);
      f.aws_routes.push_back({e.host, r.ok() ? std::optional<hostcheck::Route>(*r.value)
                                             : std::nullopt});
    }
  }
  return f;
}

KmsProbeDeps kms_probe_deps(hostcheck::NetworkInspector& net) {
  KmsProbeDeps deps;
  deps.resolve = [&net](const std::string& name, std::vector<std::string>& addresses,
                        std::string& error) {
    auto r = net.resolve(name);
    if (!r.ok()) {
      error = r.error;
      return false;
    }
    addresses = *r.value;
    return true;
  };
  return deps;
}

}  // namespace hciattest::activation
