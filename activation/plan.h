// `hciattest activate --plan`: what would make this VM's Windows activate, step by step, and
// why. Pure: facts in (edition, licensing state, task, platform, routes), plan out; the CLI
// renders it and, with --apply, carries it out through the Windows implementations, journaling
// each change first (DESIGN.md safety rules).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "activation/edition.h"
#include "activation/kms_target.h"
#include "activation/launch_agent.h"
#include "activation/licensing.h"
#include "hostcheck/network.h"
#include "hostcheck/platform.h"

namespace hciattest::activation {

enum class Method { kAuto, kImds, kKms };
const char* method_id(Method m);  // "auto", "imds", "kms"

struct AwsRouteFacts {
  std::string target;                    // 169.254.169.250 / .251
  std::optional<hostcheck::Route> route;  // the route the OS would use now; nullopt: none
};

struct ActivationFacts {
  hostcheck::Platform platform = hostcheck::Platform::kOther;
  std::string cloud = "public";  // for the KMS host: public, usgov, china, germany
  WindowsVersion version;
  LicensingState licensing;
  ImdsTaskState task;
  bool elevated = false;
  // AWS only: the primary adapter's default route and the routes to .250/.251.
  std::optional<hostcheck::Route> default_route;
  std::vector<AwsRouteFacts> aws_routes;
  // AWS only: which launch agent the AMI has (activation/launch_agent.h): whether the route repair
  // lasts across the next subnet move.
  std::optional<LaunchAgentVerdict> launch_agent;
};

struct PlanOptions {
  Method method = Method::kAuto;
  std::optional<KmsTarget> kms_host;  // --kms-host, validated by parse_kms_target
  bool allow_key_change = false;      // --allow-key-change: replace a non-KMS key (irreversible)
};

enum class StepKind {
  kEnableTask,   // enable LicenseImdsIntegration
  kRunTask,      // run it (ignoring conditions), wait, re-read; once more if still not activated
  kSetRoute,     // AWS: /32 route to a KMS address via the subnet gateway
  kInstallKey,   // install the edition's KMS client key (GVLK)
  kSetKmsHost,   // KeyManagementServiceMachine / Port
  kActivate,     // SoftwareLicensingProduct.Activate(), re-read
};
const char* step_kind_id(StepKind k);  // "enable-task", "run-task", ...

struct PlanStep {
  StepKind kind = StepKind::kActivate;
  std::string title;
  std::string why;
  std::string precondition;   // checked right before the action
  std::string action;         // what is done, exactly (values included)
  std::string postcondition;  // checked right after; the step fails otherwise
  bool reversible = true;     // false: undo cannot restore what it replaces (the old key)
  // The values the action sets: route target/gateway/interface, key, host, port.
  std::string target, gateway, interface_name, key, host;
  unsigned interface_index = 0;
  std::uint16_t port = 0;
  std::uint32_t metric = 0;
};

struct ActivationPlan {
  Edition edition;
  Method method = Method::kAuto;  // the method chosen (kAuto only when none applies)
  std::string method_reason;
  bool already_activated = false;
  std::vector<PlanStep> steps;
  // Why the plan cannot be carried out: a refusal stops --apply before any change.
  std::vector<std::string> refusals;
  std::vector<std::string> notes;
  bool needs_elevation = false;  // --apply refuses unless elevated
  bool can_apply() const { return refusals.empty() && !needs_elevation; }
};

ActivationPlan plan_activation(const ActivationFacts& facts, const PlanOptions& options);

}  // namespace hciattest::activation
