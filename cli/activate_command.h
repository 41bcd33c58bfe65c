// `hciattest activate --plan`: why this VM's Windows is not activated and what would fix it,
// step by step (activation/plan.h). Reads the machine (WMI, registry, Task Scheduler, routes);
// changes nothing. Also the licensing facts and checks that `doctor` shows.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/summary.h"

#include "activation/apply.h"
#include "activation/plan.h"
#include "cli/common_options.h"
#include "hostcheck/network.h"

namespace hciattest::cli {

struct ActivateCommandOptions {
  bool apply = false;                   // --apply: carry the plan out
  std::optional<std::string> undo;      // --undo JOURNAL
  std::optional<std::string> journal;   // --journal PATH (default: default_journal_path)
  std::string method = "auto";  // auto | imds | kms
  std::optional<std::string> kms_host;  // HOST[:PORT]; given empty is a usage error
  bool allow_key_change = false;
  std::string platform;         // "" (detect) | azure | azure-stack-hci | aws | hyper-v | other
  std::string cloud;            // public | usgov | china | germany ("" = public)
  std::string output = "text";  // text | json
  double timeout_seconds = 10;  // platform detection through IMDS /metadata/instance
};

CLI::App* add_activate_command(CLI::App& app, ActivateCommandOptions& options);

// The plan options the command line gives. Throws UsageError on a bad --kms-host or --method.
activation::PlanOptions plan_options(const ActivateCommandOptions& options);

inline constexpr const char* kActivatePlanSchema = "hciattest.activate-plan/1";

nlohmann::json activation_plan_to_json(const activation::ActivationFacts& facts,
                                       const activation::ActivationPlan& plan);
std::string activation_plan_to_text(const activation::ActivationFacts& facts,
                                    const activation::ActivationPlan& plan);

// 0 activated; 3 not activated and the plan can fix it (run elevated if it says so); 1 the
// plan refuses (what to do instead is in the refusal). docs/exit-codes.md.
int activate_exit_code(const activation::ActivationPlan& plan);

// --output summary of --plan: "activated", "fixable" (the steps' kinds listed) or "refused", the
// machine, the edition and method, and what to run next (or the refusal).
Summary activation_summary(const activation::ActivationFacts& facts,
                           const activation::ActivationPlan& plan, const std::string& machine);

using ActivationFactsSource = std::function<activation::ActivationFacts(const ActivateCommandOptions&)>;

inline constexpr const char* kActivateApplySchema = "hciattest.activate-apply/1";

// --plan, --apply or --undo with the machine's facts and actions given (tests pass fakes).
// --apply: 0 when Windows ends activated, 1 when refused (nothing changed) or a step failed (the
// journal says what was changed), 2 usage. --undo: 0 when every restorable change was restored.
int run_activate(const ActivateCommandOptions& options, CommandIo& io,
                 const ActivationFactsSource& facts, activation::ActivationActions* actions = nullptr);
int run_activate(const ActivateCommandOptions& options, CommandIo& io);

}  // namespace hciattest::cli
