// Which AWS launch agent the AMI has, and so whether the KMS and metadata routes repair
// themselves: EC2Launch v2 (Server 2022+, and others migrated) sets non-persistent routes at every
// boot; EC2Launch v1 (Server 2016/2019) sets persistent routes once, at first boot, so an AMI made
// from an instance and started in another subnet keeps stale ones; EC2Config (Server 2012 R2 and
// older) adds them at every start of its service. Read-only: files, two services, one task.
// (AWS EC2 user guide for Windows: ec2launch-v2.md, ec2launch.md, UsingConfig_WinAMI.md,
// common-messages.md "Unable to activate Windows"; shared/FACTS.md "AWS EC2Launch v1".)
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "activation/licensing.h"
#include "hostcheck/network.h"
#include "hostcheck/services.h"

namespace hciattest::activation {

enum class LaunchAgent { kNone, kEc2LaunchV2, kEc2LaunchV1, kEc2Config };
const char* launch_agent_id(LaunchAgent a);    // "none", "ec2launch-v2", "ec2launch-v1", "ec2config"
const char* launch_agent_name(LaunchAgent a);  // "EC2Launch v2", ...

inline constexpr const char* kEc2LaunchV1TaskFolder = "\\";
inline constexpr const char* kEc2LaunchV1TaskName = "Amazon Ec2 Launch - Instance Initialization";
inline constexpr const char* kEc2LaunchV1Script =
    "C:\\ProgramData\\Amazon\\EC2-Windows\\Launch\\Scripts\\InitializeInstance.ps1";

// What the look found. Paths are the ones that exist, as Windows writes them.
struct LaunchAgentProbe {
  std::vector<std::string> v2_files;         // EC2Launch.exe, config\agent-config.yml
  bool v2_service = false;                   // service EC2Launch exists
  std::vector<std::string> v1_files;         // Module\Ec2Launch.psd1, InitializeInstance.ps1, LaunchConfig.json
  bool v1_task_scheduled = false;            // its Instance Initialization task exists and is enabled
  std::vector<std::string> ec2config_files;  // EC2Config.exe, Settings\Config.xml
  bool ec2config_service = false;            // service Ec2Config exists
  std::vector<std::string> notes;            // what could not be asked, and why
  std::string not_applicable;  // set off Windows ("not applicable on Linux ..."): nothing was looked at
};

struct LaunchAgentVerdict {
  LaunchAgent agent = LaunchAgent::kNone;
  bool routes_repair_themselves = false;  // set again at boot (v2, EC2Config, v1 when scheduled)
  std::string summary;                    // one sentence: which agent, what it does with routes
  std::vector<std::string> evidence;
  // Said with the AWS route repair: whether it lasts across the next subnet move, and what to do.
  std::string persistence;
};

// Pure: v2 wins when both it and v1 are there (the migration tool leaves v1's files).
LaunchAgentVerdict classify_launch_agent(const LaunchAgentProbe& probe);

struct LaunchAgentSources {
  std::string program_files;  // %ProgramFiles%
  std::string program_data;   // %ProgramData%
  std::function<hostcheck::Result<hostcheck::ServiceState>(const std::string& name)> service;
  std::function<ImdsTaskState(const std::string& folder, const std::string& name)> task;
};

// Looks at the files under the two roots and asks `service` and `task`; read-only.
LaunchAgentProbe probe_launch_agent(const LaunchAgentSources& sources);

// This machine (launch_agent_windows.cpp): %ProgramFiles% and %ProgramData% (C:\Program Files
// and C:\ProgramData when unset), the Service Control Manager, Task Scheduler. On Linux
// (launch_agent_linux.cpp) only `not_applicable` is set.
LaunchAgentProbe probe_launch_agent();

}  // namespace hciattest::activation
