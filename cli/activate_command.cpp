#include "cli/activate_command.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <sstream>

#include "activation/error_codes.h"
#include "activation/journal.h"
#include "activation/kms_hosts.h"
#include "activation/machine.h"
#include "activation/task_scheduler.h"
#include "cli/exit_codes.h"
#include "cli/input_file.h"
#include "cli/verify_render.h"
#include "cli/usage_error.h"
#include "io/utf8_path.h"
#include "hostcheck/platform.h"
#include "imds/client.h"
#include "io/bounded_read.h"

namespace hciattest::cli {
namespace {

using activation::ActivationFacts;
using activation::ActivationPlan;

std::optional<hostcheck::Platform> platform_named(const std::string& id) {
  for (auto p : {hostcheck::Platform::kAzure, hostcheck::Platform::kAzureStackHci,
                 hostcheck::Platform::kAws, hostcheck::Platform::kHyperV,
                 hostcheck::Platform::kOther}) {
    if (hostcheck::platform_id(p) == id) return p;
  }
  return std::nullopt;
}

std::string licensing_line(const activation::LicensingState& l) {
  if (!l.available) return l.error;
  std::string s = std::string(activation::license_status_text(l.status)) + ", channel " +
                  (l.channel().empty() ? std::string("unknown") : l.channel()) + ", key ending " +
                  l.partial_product_key + ", KMS host " +
                  (l.kms_machine.empty() ? std::string("(none: DNS discovery)")
                                         : l.kms_machine + ":" +
                                               std::to_string(l.kms_port ? l.kms_port : 1688));
  if (!l.activated() && l.status_reason != 0) {
    s += ", reason " + activation::describe_error_code(l.status_reason);
  }
  if (l.grace_minutes > 0) s += ", grace " + std::to_string(l.grace_minutes / 1440) + " days";
  return s;
}

std::string task_line(const activation::ImdsTaskState& t) {
  if (!t.available) return t.error;
  if (!t.exists) return std::string(activation::kImdsTaskPath) + " does not exist";
  std::string s = std::string(activation::kImdsTaskPath) + ": " + t.state + (t.enabled ? ", enabled" : ", disabled") +
                  ", last run " + (t.last_run.empty() ? std::string("never") : t.last_run);
  if (t.last_result) s += ", last result " + activation::describe_error_code(*t.last_result);
  if (!t.next_run.empty()) s += ", next run " + t.next_run;
  if (!t.triggers.empty()) {
    std::string kinds;
    for (const auto& k : t.triggers) kinds += (kinds.empty() ? "" : "/") + k;
    s += ", triggers " + kinds;
  }
  for (const auto& a : t.actions) s += ", runs " + a;
  return s;
}

nlohmann::json step_json(const activation::PlanStep& s) {
  nlohmann::json j = {{"kind", activation::step_kind_id(s.kind)}, {"title", s.title},
                      {"why", s.why},       {"precondition", s.precondition},
                      {"action", s.action}, {"postcondition", s.postcondition},
                      {"reversible", s.reversible}};
  if (!s.target.empty()) j["route"] = {{"target", s.target}, {"gateway", s.gateway},
                                       {"interface", s.interface_name}, {"metric", s.metric}};
  if (!s.key.empty()) j["key"] = s.key;
  if (!s.host.empty()) j["kms"] = {{"host", s.host}, {"port", s.port}};
  return j;
}

}  // namespace

CLI::App* add_activate_command(CLI::App& app, ActivateCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "activate",
      "Why Windows is not activated and what would fix it: the IMDS path (the "
      "LicenseImdsIntegration task) or the cloud's KMS (key, host, AWS routes), as a plan with "
      "each step's precondition, action and postcondition. --plan (the default) changes nothing; "
      "--apply carries it out, journaled; --undo restores from the journal");
  auto* plan = cmd->add_flag("--plan", "Show the plan and change nothing (the default)");
  auto* apply = cmd->add_flag("--apply", o.apply,
                              "Carry the plan out, each change journaled first (needs elevation)");
  auto* undo = cmd->add_option("--undo", o.undo, "Restore what the journal's changes replaced")
                   ->type_name("JOURNAL");
  plan->excludes(apply)->excludes(undo);
  apply->excludes(undo);
  cmd->add_option("--journal", o.journal, "Where --apply writes its journal (default: "
                  "%ProgramData%\\hciattest\\activation-<time>.json)")
      ->type_name("PATH");
  cmd->add_option("--method", o.method, "auto, imds or kms")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "imds", "kms"}));
  cmd->add_option("--kms-host", o.kms_host, "KMS host to use instead of the cloud's")
      ->type_name("HOST[:PORT]");
  cmd->add_flag("--allow-key-change", o.allow_key_change,
                "Allow replacing a retail, MAK or OEM key by the KMS client key (undo cannot "
                "restore the old key)");
  cmd->add_option("--platform", o.platform, "Skip detection: azure, azure-stack-hci, aws, hyper-v, other")
      ->check(CLI::IsMember({"azure", "azure-stack-hci", "aws", "hyper-v", "other"}));
  cmd->add_option("--cloud", o.cloud, "public, usgov, china or germany (for the Azure KMS host)")
      ->check(CLI::IsMember({"public", "usgov", "china", "germany"}));
  cmd->add_option("--timeout", o.timeout_seconds, "Seconds for platform detection through IMDS")
      ->capture_default_str()
      ->check(CLI::Range(0.5, 120.0));
  cmd->add_option("--output,-o", o.output,
                  "text, json, or summary (one line of at most 2,048 ASCII bytes, for Intune and "
                  "Run Command)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "summary"}));
  return cmd;
}

activation::PlanOptions plan_options(const ActivateCommandOptions& o) {
  activation::PlanOptions p;
  if (o.method == "imds") p.method = activation::Method::kImds;
  else if (o.method == "kms") p.method = activation::Method::kKms;
  else if (o.method != "auto") throw UsageError{"--method must be auto, imds or kms"};
  if (o.kms_host) {
    auto parsed = activation::parse_kms_target(*o.kms_host);
    if (!parsed.target) throw UsageError{"--kms-host \"" + *o.kms_host + "\": " + parsed.error};
    p.kms_host = parsed.target;
  }
  p.allow_key_change = o.allow_key_change;
  return p;
}

nlohmann::json activation_plan_to_json(const ActivationFacts& f, const ActivationPlan& p) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : p.steps) steps.push_back(step_json(s));
  nlohmann::json licensing = {{"available", f.licensing.available}, {"error", f.licensing.error}};
  if (f.licensing.available) {
    licensing.update({{"name", f.licensing.name},
                      {"channel", f.licensing.channel()},
                      {"partial_product_key", f.licensing.partial_product_key},
                      {"license_status", static_cast<int>(f.licensing.status)},
                      {"license_status_text", activation::license_status_text(f.licensing.status)},
                      {"license_status_reason", activation::describe_error_code(f.licensing.status_reason)},
                      {"grace_minutes", f.licensing.grace_minutes},
                      {"kms_machine", f.licensing.kms_machine},
                      {"kms_port", f.licensing.kms_port},
                      {"service_version", f.licensing.service_version},
                      {"service_kms_machine", f.licensing.service_kms_machine},
                      {"service_kms_port", f.licensing.service_kms_port}});
  }
  nlohmann::json task = {{"path", std::string(activation::kImdsTaskPath)}, {"available", f.task.available},
                         {"error", f.task.error}, {"exists", f.task.exists},
                         {"enabled", f.task.enabled}, {"state", f.task.state},
                         {"last_run", f.task.last_run}, {"next_run", f.task.next_run},
                         {"actions", f.task.actions}, {"triggers", f.task.triggers}};
  if (f.task.last_result) task["last_result"] = activation::describe_error_code(*f.task.last_result);
  nlohmann::json out = {{"schema", kActivatePlanSchema},
          {"platform", std::string(hostcheck::platform_id(f.platform))},
          {"edition", {{"edition_id", f.version.edition_id}, {"build", f.version.build},
                       {"family", activation::edition_family_id(p.edition.family)},
                       {"name", p.edition.name}}},
          {"licensing", licensing},
          {"task", task},
          {"elevated", f.elevated},
          {"method", activation::method_id(p.method)},
          {"method_reason", p.method_reason},
          {"already_activated", p.already_activated},
          {"can_apply", p.can_apply()},
          {"needs_elevation", p.needs_elevation},
          {"steps", steps},
          {"refusals", p.refusals},
          {"notes", p.notes}};
  if (f.launch_agent) {
    out["launch_agent"] = {{"agent", activation::launch_agent_id(f.launch_agent->agent)},
                           {"routes_repair_themselves", f.launch_agent->routes_repair_themselves},
                           {"summary", f.launch_agent->summary},
                           {"evidence", f.launch_agent->evidence}};
  }
  return out;
}

std::string activation_plan_to_text(const ActivationFacts& f, const ActivationPlan& p) {
  std::ostringstream s;
  s << "edition    " << p.edition.name;
  if (!f.version.edition_id.empty()) {
    s << " (EditionID " << f.version.edition_id << ", build " << f.version.build << ")";
  }
  s << "\nlicensing  " << licensing_line(f.licensing) << "\n";
  s << "task       " << task_line(f.task) << "\n";
  s << "platform   " << hostcheck::platform_id(f.platform) << "\n";
  if (f.launch_agent) {
    s << "launch     " << activation::launch_agent_name(f.launch_agent->agent)
      << (f.launch_agent->routes_repair_themselves ? " (sets the routes again at boot)"
                                                   : " (does not set the routes again)")
      << "\n";
  }
  if (!p.method_reason.empty()) {
    s << "method     " << activation::method_id(p.method) << ": " << p.method_reason << "\n";
  }
  if (p.already_activated) {
    s << "\nWindows is activated: nothing to do.\n";
  } else if (!p.steps.empty() && p.refusals.empty()) {
    s << "\nPlan (nothing has been changed):\n";
    int n = 1;
    for (const auto& st : p.steps) {
      s << "  " << n++ << ". [" << activation::step_kind_id(st.kind) << "] " << st.title
        << (st.reversible ? "" : "  (cannot be undone)") << "\n"
        << "       why:    " << st.why << "\n"
        << "       before: " << st.precondition << "\n"
        << "       do:     " << st.action << "\n"
        << "       after:  " << st.postcondition << "\n";
    }
  }
  for (const auto& r : p.refusals) s << "\nCannot repair: " << r << "\n";
  if (p.needs_elevation) {
    s << "\nThis process is not elevated: run from an elevated prompt (Run as administrator) to "
         "carry the plan out.\n";
  }
  for (const auto& note : p.notes) s << "note: " << note << "\n";
  return s.str();
}

Summary activation_summary(const ActivationFacts& f, const ActivationPlan& p,
                           const std::string& machine) {
  Summary s;
  s.command = "activate";
  s.machine = machine;
  s.verdict = p.already_activated ? "activated" : !p.refusals.empty() ? "refused" : "fixable";
  s.fields = {{"edition", f.version.edition_id}, {"method", activation::method_id(p.method)}};
  std::vector<std::string> steps;
  for (const auto& st : p.steps) steps.emplace_back(activation::step_kind_id(st.kind));
  s.lists = {{"steps", steps}};
  if (!p.refusals.empty()) {
    s.remedy = p.refusals.front();
  } else if (!p.already_activated) {
    s.remedy = p.needs_elevation ? "from an elevated prompt: hciattest activate --apply"
                                 : "hciattest activate --apply";
  }
  return s;
}

int activate_exit_code(const ActivationPlan& p) {
  if (p.already_activated) return kExitOk;
  if (!p.refusals.empty()) return kExitFailed;
  return kExitWarnings;
}

namespace {

std::string outcomes_text(const std::vector<activation::StepOutcome>& steps) {
  std::ostringstream s;
  int n = 1;
  for (const auto& st : steps) {
    s << "  " << n++ << ". [" << activation::step_status_id(st.status) << "] " << st.title;
    if (!st.detail.empty()) s << ": " << st.detail;
    s << "\n";
  }
  return s.str();
}

nlohmann::json outcomes_json(const std::vector<activation::StepOutcome>& steps) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& st : steps) {
    out.push_back({{"kind", activation::step_kind_id(st.kind)}, {"title", st.title},
                   {"status", activation::step_status_id(st.status)}, {"detail", st.detail}});
  }
  return out;
}

std::string compact_stamp(std::int64_t now) {
  std::string iso = iso8601(now);  // 2026-12-01T22:05:00Z
  std::string out;
  for (char c : iso) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

int run_undo(const ActivateCommandOptions& o, CommandIo& io, const ActivationFacts& facts,
             activation::ActivationActions& actions) {
  const io::ReadResult file = io::read_file_at_most(io::utf8_path(*o.undo), kMaxJournalBytes);
  if (file.status != io::ReadStatus::kOk) {
    io.err << "hciattest activate: --undo " << *o.undo << ": "
           << (file.status == io::ReadStatus::kOverCap
                   ? io::cap_message("the file", kMaxJournalBytes, "") +
                         ": a journal hciattest wrote is a few KiB; check that it is the right file"
                   : "cannot read the file: " + file.error)
           << "; nothing was changed\n";
    return kExitUsage;
  }
  std::string error;
  const auto journal = activation::journal_from_text(file.bytes, error);
  if (!journal) {
    io.err << "hciattest activate: --undo " << *o.undo << ": not a journal hciattest wrote: "
           << error
           << "; nothing was changed: pass the journal --apply wrote, as it wrote it, or restore "
              "what its entries name by hand from its text\n";
    return kExitUsage;
  }
  if (!facts.elevated) {
    io.err << "hciattest activate: --undo changes this machine: "
           << (facts.licensing.available ? std::string("run from an elevated prompt (Run as administrator)")
                                         : facts.licensing.error)
           << "; nothing was changed\n";
    return kExitFailed;
  }
  const activation::UndoResult u = activation::undo_journal(*journal, actions);
  if (o.output == "summary") {
    Summary s;
    s.command = "activate";
    s.verdict = u.ok ? "undone" : "undo_failed";
    s.machine = hostcheck::computer_name();
    s.fields = {{"journal", *o.undo}};
    s.lists = {{"not_restorable", u.not_restorable}};
    io.out << render_summary(s) << "\n";
  } else if (o.output == "json") {
    io.out << nlohmann::json{{"schema", kActivateApplySchema}, {"undo", *o.undo}, {"ok", u.ok},
                             {"steps", outcomes_json(u.steps)}, {"not_restorable", u.not_restorable}}
                  .dump(2)
           << "\n";
  } else {
    io.out << "Undo of " << *o.undo << ":\n" << outcomes_text(u.steps);
    for (const auto& n : u.not_restorable) io.out << "not restorable: " << n << "\n";
  }
  return u.ok ? kExitOk : kExitFailed;
}

int run_apply(const ActivateCommandOptions& o, CommandIo& io, const ActivationFacts& facts,
              const ActivationPlan& plan, activation::ActivationActions& actions) {
  const std::string path = o.journal ? *o.journal : activation::default_journal_path(compact_stamp(io.now()));
  activation::FileJournalSink sink(path);
  activation::Journal journal;
  journal.tool_version = HCIATTEST_VERSION;
  journal.created_at = iso8601(io.now());
  journal.edition = plan.edition.name;
  journal.method = activation::method_id(plan.method);
  const activation::ApplyResult r = activation::apply_plan(plan, facts, journal, actions, sink);
  if (o.output == "summary") {
    Summary s = activation_summary(facts, plan, hostcheck::computer_name());
    s.verdict = r.ok ? (r.after.licensing.activated() ? "activated" : "applied") : "failed";
    if (!journal.entries.empty()) s.fields.push_back({"journal", path});
    s.remedy = r.ok ? std::string() : r.error;
    io.out << render_summary(s) << "\n";
  } else if (o.output == "json") {
    nlohmann::json j = activation_plan_to_json(facts, plan);
    j["schema"] = kActivateApplySchema;
    j["ok"] = r.ok;
    j["error"] = r.error;
    j["outcomes"] = outcomes_json(r.steps);
    j["journal"] = journal.entries.empty() ? "" : path;
    j["activated_after"] = r.after.licensing.activated();
    io.out << j.dump(2) << "\n";
  } else {
    io.out << activation_plan_to_text(facts, plan) << "\nApplying:\n" << outcomes_text(r.steps);
    if (!journal.entries.empty()) {
      io.out << "journal: " << path << " (undo with: hciattest activate --undo " << path << ")\n";
    }
    io.out << (r.ok ? "Windows is activated.\n" : "Stopped: " + r.error + "\n");
  }
  return r.ok ? kExitOk : kExitFailed;
}

}  // namespace

int run_activate(const ActivateCommandOptions& o, CommandIo& io, const ActivationFactsSource& source,
                 activation::ActivationActions* actions) {
  activation::PlanOptions options;
  try {
    options = plan_options(o);
  } catch (const UsageError& e) {
    io.err << "hciattest activate: " << e.message << "\n";
    return kExitUsage;
  }
  std::unique_ptr<activation::ActivationActions> own;
  if ((o.apply || o.undo) && actions == nullptr) {
    own = activation::make_activation_actions();
    actions = own.get();
  }
  const ActivationFacts facts = source(o);
  if (o.undo) return run_undo(o, io, facts, *actions);
  const ActivationPlan plan = activation::plan_activation(facts, options);
  if (o.apply) return run_apply(o, io, facts, plan, *actions);
  if (o.output == "json") io.out << activation_plan_to_json(facts, plan).dump(2) << "\n";
  else if (o.output == "summary") {
    io.out << render_summary(activation_summary(facts, plan, hostcheck::computer_name())) << "\n";
  } else {
    io.out << activation_plan_to_text(facts, plan);
  }
  return activate_exit_code(plan);
}

int run_activate(const ActivateCommandOptions& o, CommandIo& io) {
  return run_activate(o, io, [](const ActivateCommandOptions& opts) {
    auto net = hostcheck::make_network_inspector();
    hostcheck::Platform platform = hostcheck::Platform::kOther;
    if (auto named = platform_named(opts.platform)) {
      platform = *named;
    } else if (!opts.undo && activation::read_licensing_state().available) {
      // Detected only where there is a licence to plan for (undo needs no platform): SMBIOS, and
      // which IMDS address answers /metadata/instance (.253 answering = Azure Stack HCI).
      imds::ImdsRequest req;
      req.path = "/metadata/instance";
      req.send_nonce = false;
      req.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(opts.timeout_seconds * 1000));
      const imds::ImdsResult r = imds::fetch(req, imds::real_environment());
      platform = hostcheck::detect_platform(hostcheck::read_smbios(), r.ok ? r.endpoint : "").platform;
    }
    return activation::read_activation_facts(platform, opts.cloud, *net);
  });
}

}  // namespace hciattest::cli
