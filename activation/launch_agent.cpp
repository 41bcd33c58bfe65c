#include "activation/launch_agent.h"

#include <filesystem>
#include <system_error>


namespace hciattest::activation {
namespace {

// Windows paths joined with '\\'; on Linux (tests) the same relative parts joined with '/'.
std::string join(const std::string& root, const std::string& relative) {
  std::string rel = relative;
#ifdef _WIN32
  const char sep = '\\';
#else
  const char sep = '/';
  for (char& c : rel) c = c == '\\' ? '/' : c;
#endif
  if (root.empty()) return rel;
  return root + (root.back() == '\\' || root.back() == '/' ? "" : std::string(1, sep)) + rel;
}

void look(const std::string& root, std::initializer_list<const char*> parts,
          std::vector<std::string>& found) {
  for (const char* part : parts) {
    const std::string path = join(root, part);
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::u8path(path), ec)) found.push_back(path);
  }
}

bool service_exists(const LaunchAgentSources& s, const std::string& name,
                    std::vector<std::string>& notes) {
  if (!s.service) return false;
  const auto r = s.service(name);
  if (!r.ok()) {
    notes.push_back("service " + name + ": " + r.error);
    return false;
  }
  return r.value->exists;
}

void list(const char* what, const std::vector<std::string>& paths, std::vector<std::string>& out) {
  for (const auto& p : paths) out.push_back(std::string(what) + ": " + p);
}

}  // namespace

const char* launch_agent_id(LaunchAgent a) {
  switch (a) {
    case LaunchAgent::kNone: return "none";
    case LaunchAgent::kEc2LaunchV2: return "ec2launch-v2";
    case LaunchAgent::kEc2LaunchV1: return "ec2launch-v1";
    case LaunchAgent::kEc2Config: return "ec2config";
  }
  return "none";
}

const char* launch_agent_name(LaunchAgent a) {
  switch (a) {
    case LaunchAgent::kNone: return "no EC2 launch agent";
    case LaunchAgent::kEc2LaunchV2: return "EC2Launch v2";
    case LaunchAgent::kEc2LaunchV1: return "EC2Launch v1";
    case LaunchAgent::kEc2Config: return "EC2Config";
  }
  return "no EC2 launch agent";
}

LaunchAgentVerdict classify_launch_agent(const LaunchAgentProbe& p) {
  LaunchAgentVerdict v;
  list("EC2Launch v2", p.v2_files, v.evidence);
  if (p.v2_service) v.evidence.push_back("EC2Launch v2: service EC2Launch");
  list("EC2Launch v1", p.v1_files, v.evidence);
  if (!p.v1_files.empty()) {
    v.evidence.push_back(std::string("EC2Launch v1: task \\") + kEc2LaunchV1TaskName +
                         (p.v1_task_scheduled ? " scheduled" : " not scheduled"));
  }
  list("EC2Config", p.ec2config_files, v.evidence);
  if (p.ec2config_service) v.evidence.push_back("EC2Config: service Ec2Config");
  for (const auto& n : p.notes) v.evidence.push_back(n);

  // The service, or the agent's own program, decides; a config file alone is a leftover.
  const bool v2 = p.v2_service || !p.v2_files.empty();
  const bool v1 = !p.v1_files.empty();
  const bool ec2config = p.ec2config_service || !p.ec2config_files.empty();
  if (v2) {
    v.agent = LaunchAgent::kEc2LaunchV2;
    v.routes_repair_themselves = true;
    v.summary = std::string("EC2Launch v2") + (v1 ? " (EC2Launch v1's files are left over)" : "") +
                ": it sets the metadata and KMS routes again at every boot, through the current "
                "subnet's gateway";
    v.persistence = "EC2Launch v2 sets these routes again at every boot, so a restart repairs them "
                    "as well and they follow the next subnet move; a persistent route added by hand "
                    "does not, so after a move undo it (hciattest activate --undo JOURNAL) or reboot";
  } else if (v1) {
    v.agent = LaunchAgent::kEc2LaunchV1;
    v.routes_repair_themselves = p.v1_task_scheduled;
    v.summary = p.v1_task_scheduled
                    ? "EC2Launch v1, with its instance initialization scheduled: the routes are set "
                      "again at the next boot"
                    : "EC2Launch v1: it set the metadata and KMS routes once, at first boot, as "
                      "persistent routes; an AMI made from this instance keeps them, stale in "
                      "another subnet";
    v.persistence =
        p.v1_task_scheduled
            ? "EC2Launch v1's instance initialization is scheduled, so the next boot sets these "
              "routes again through the subnet gateway of that boot"
            : std::string("this repair lasts on this instance, but EC2Launch v1 will not set the "
                          "routes again: before making an AMI or moving the instance to another "
                          "subnet, schedule its initialization (") +
                  kEc2LaunchV1Script +
                  " -Schedule, or -SchedulePerBoot to run it at every boot), or move to EC2Launch v2";
  } else if (ec2config) {
    v.agent = LaunchAgent::kEc2Config;
    v.routes_repair_themselves = true;
    v.summary = "EC2Config: it adds the metadata and KMS routes at every start of its service";
    v.persistence = "EC2Config adds these routes at every start of its service, so a restart of "
                    "Ec2Config (or a reboot) repairs them as well and they follow subnet moves";
  } else {
    v.summary = "no EC2 launch agent found (EC2Launch v2, EC2Launch v1, EC2Config): nothing sets "
                "the metadata and KMS routes again";
    v.persistence = "no launch agent sets these routes again: this repair lasts until the instance "
                    "moves to another subnet, when the routes must be set again";
  }
  return v;
}

LaunchAgentProbe probe_launch_agent(const LaunchAgentSources& s) {
  LaunchAgentProbe p;
  look(s.program_files, {"Amazon\\EC2Launch\\EC2Launch.exe"}, p.v2_files);
  look(s.program_data, {"Amazon\\EC2Launch\\config\\agent-config.yml"}, p.v2_files);
  p.v2_service = service_exists(s, "EC2Launch", p.notes);
  look(s.program_data,
       {"Amazon\\EC2-Windows\\Launch\\Module\\Ec2Launch.psd1",
        "Amazon\\EC2-Windows\\Launch\\Scripts\\InitializeInstance.ps1",
        "Amazon\\EC2-Windows\\Launch\\Config\\LaunchConfig.json"},
       p.v1_files);
  if (!p.v1_files.empty() && s.task) {
    const ImdsTaskState t = s.task(kEc2LaunchV1TaskFolder, kEc2LaunchV1TaskName);
    if (!t.available) p.notes.push_back(std::string("task \\") + kEc2LaunchV1TaskName + ": " + t.error);
    p.v1_task_scheduled = t.available && t.exists && t.enabled;
  }
  look(s.program_files,
       {"Amazon\\Ec2ConfigService\\Ec2Config.exe", "Amazon\\Ec2ConfigService\\Settings\\Config.xml"},
       p.ec2config_files);
  p.ec2config_service = service_exists(s, "Ec2Config", p.notes);
  return p;
}

}  // namespace hciattest::activation
