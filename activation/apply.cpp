#include "activation/apply.h"

#include <algorithm>
#include <cctype>

#include "activation/error_codes.h"
#include "io/ascii.h"

namespace hciattest::activation {
namespace {

constexpr std::chrono::seconds kTaskTimeout{120};

std::uint16_t effective_port(std::uint16_t port) { return port == 0 ? kKmsDefaultPort : port; }

const AwsRouteFacts* route_fact(const ActivationFacts& f, const std::string& target) {
  for (const auto& r : f.aws_routes) {
    if (r.target == target) return &r;
  }
  return nullptr;
}

// Whether the step's goal already holds in `f` (its postcondition).
bool holds(const PlanStep& s, const ActivationFacts& f) {
  switch (s.kind) {
    case StepKind::kEnableTask: return f.task.exists && f.task.enabled;
    case StepKind::kRunTask:
    case StepKind::kActivate: return f.licensing.activated();
    case StepKind::kSetRoute: {
      const AwsRouteFacts* r = route_fact(f, s.target);
      return r && r->route && r->route->gateway == s.gateway &&
             r->route->interface_index == s.interface_index;
    }
    case StepKind::kInstallKey: return f.licensing.channel() == "VOLUME_KMSCLIENT";
    case StepKind::kSetKmsHost:
      return io::ascii_lower(f.licensing.kms_machine) == io::ascii_lower(s.host) &&
             effective_port(f.licensing.kms_port) == s.port;
  }
  return false;
}

std::string state_text(const PlanStep& s, const ActivationFacts& f) {
  switch (s.kind) {
    case StepKind::kEnableTask:
      return std::string("the task is ") + (f.task.enabled ? "enabled" : "disabled");
    case StepKind::kRunTask:
    case StepKind::kActivate:
      return std::string("LicenseStatus ") + license_status_text(f.licensing.status) +
             (f.licensing.status_reason != 0 && !f.licensing.activated()
                  ? ", " + describe_error_code(f.licensing.status_reason)
                  : "");
    case StepKind::kSetRoute: {
      const AwsRouteFacts* r = route_fact(f, s.target);
      return r && r->route ? "the route to " + s.target + " goes via " +
                                 (r->route->gateway.empty() ? "on-link" : r->route->gateway)
                           : "no route to " + s.target;
    }
    case StepKind::kInstallKey: return "channel " + f.licensing.channel();
    case StepKind::kSetKmsHost:
      return "KMS host \"" + f.licensing.kms_machine + "\" port " +
             std::to_string(effective_port(f.licensing.kms_port));
  }
  return {};
}

JournalEntry entry_for(const PlanStep& s, const ActivationFacts& f) {
  JournalEntry e;
  e.kind = s.kind;
  e.title = s.title;
  switch (s.kind) {
    case StepKind::kEnableTask: e.task_was_enabled = f.task.enabled; break;
    case StepKind::kSetRoute: {
      e.route_added = RouteChange{s.target, s.gateway, s.interface_name, s.interface_index, s.metric};
      if (const AwsRouteFacts* r = route_fact(f, s.target); r && r->route) e.route_before = r->route;
      break;
    }
    case StepKind::kInstallKey:
      e.channel_before = f.licensing.channel();
      e.partial_key_before = f.licensing.partial_product_key;
      break;
    case StepKind::kSetKmsHost:
      e.kms_host_before = f.licensing.kms_machine;
      e.kms_port_before = f.licensing.kms_port;
      break;
    case StepKind::kRunTask:
    case StepKind::kActivate: break;
  }
  return e;
}

bool journaled(StepKind k) { return k != StepKind::kRunTask && k != StepKind::kActivate; }

RouteChange as_change(const hostcheck::Route& r, const std::string& target) {
  return {target, r.gateway, r.interface_name, r.interface_index, r.metric};
}

// `before`: the journal entry of this step (set-route reads the stale route from it).
std::string act(const PlanStep& s, const JournalEntry* before, ActivationActions& a) {
  switch (s.kind) {
    case StepKind::kEnableTask: return a.set_task_enabled(true);
    case StepKind::kRunTask: return a.run_task(kTaskTimeout);
    case StepKind::kSetRoute:
      // A stale host route of EC2Launch v1's (same /32, old gateway) is replaced, not shadowed.
      if (before && before->route_before && before->route_before->prefix_length == 32) {
        if (std::string why = a.delete_route(as_change(*before->route_before, s.target));
            !why.empty()) {
          return "deleting the old route failed: " + why;
        }
      }
      return a.add_route({s.target, s.gateway, s.interface_name, s.interface_index, s.metric});
    case StepKind::kInstallKey: return a.install_product_key(s.key);
    case StepKind::kSetKmsHost: return a.set_kms_host(s.host, s.port);
    case StepKind::kActivate: return a.activate_windows();
  }
  return "unknown step";
}

}  // namespace

const char* step_status_id(StepStatus s) {
  switch (s) {
    case StepStatus::kDone: return "done";
    case StepStatus::kAlreadyDone: return "already-done";
    case StepStatus::kFailed: return "failed";
    case StepStatus::kNotRun: return "not-run";
  }
  return "not-run";
}

ApplyResult apply_plan(const ActivationPlan& plan, const ActivationFacts& facts, Journal& journal,
                       ActivationActions& actions, JournalSink& sink) {
  ApplyResult r;
  r.after = facts;
  for (const auto& s : plan.steps) r.steps.push_back({s.kind, s.title, StepStatus::kNotRun, ""});
  if (!plan.refusals.empty()) {
    r.error = "nothing was changed: " + plan.refusals.front();
    return r;
  }
  if (plan.needs_elevation) {
    r.error = "nothing was changed: this process is not elevated; run from an elevated prompt "
              "(Run as administrator)";
    return r;
  }
  if (plan.already_activated) {
    r.ok = true;
    return r;
  }
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const PlanStep& s = plan.steps[i];
    StepOutcome& out = r.steps[i];
    if (holds(s, r.after)) {
      out.status = StepStatus::kAlreadyDone;
      out.detail = state_text(s, r.after);
      continue;
    }
    std::size_t entry = journal.entries.size();
    if (journaled(s.kind)) {
      journal.entries.push_back(entry_for(s, r.after));
      journal.entries.back().started = true;
      if (std::string why = sink.write(journal); !why.empty()) {
        journal.entries.pop_back();
        out.status = StepStatus::kFailed;
        out.detail = "not done: the journal could not be written (" + why +
                     "), so nothing was changed; give a writable --journal PATH";
        r.error = out.detail;
        return r;
      }
    }
    int runs = s.kind == StepKind::kRunTask ? 2 : 1;
    std::string failure;
    for (int run = 0; run < runs; ++run) {
      const JournalEntry* before = journaled(s.kind) ? &journal.entries[entry] : nullptr;
      if (std::string why = act(s, before, actions); !why.empty()) {
        failure = why;
        break;
      }
      r.after = actions.reread(r.after);
      if (holds(s, r.after)) break;
    }
    if (failure.empty() && !holds(s, r.after)) {
      failure = "the postcondition (" + s.postcondition + ") does not hold: " + state_text(s, r.after);
    }
    if (!failure.empty()) {
      out.status = StepStatus::kFailed;
      out.detail = failure;
      r.error = s.title + ": " + failure;
      return r;
    }
    out.status = StepStatus::kDone;
    out.detail = state_text(s, r.after);
  }
  r.ok = r.after.licensing.activated();
  if (!r.ok) {
    r.error = "every step was done but Windows is not activated: " +
              std::string(license_status_text(r.after.licensing.status));
  }
  return r;
}

UndoResult undo_journal(const Journal& journal, ActivationActions& actions) {
  UndoResult u;
  u.ok = true;
  for (auto it = journal.entries.rbegin(); it != journal.entries.rend(); ++it) {
    const JournalEntry& e = *it;
    StepOutcome out;
    out.kind = e.kind;
    out.title = "undo: " + e.title;
    if (!e.started) {
      out.status = StepStatus::kAlreadyDone;
      out.detail = "the change was never made";
      u.steps.push_back(out);
      continue;
    }
    std::string why;
    switch (e.kind) {
      case StepKind::kSetKmsHost:
        why = actions.set_kms_host(e.kms_host_before, e.kms_port_before);
        out.detail = e.kms_host_before.empty() ? "KMS host cleared (DNS auto-discovery)"
                                               : "KMS host " + e.kms_host_before + " port " +
                                                     std::to_string(effective_port(e.kms_port_before));
        break;
      case StepKind::kSetRoute:
        if (e.route_added) why = actions.delete_route(*e.route_added);
        if (why.empty() && e.route_before && e.route_before->prefix_length == 32) {
          const hostcheck::Route& b = *e.route_before;
          why = actions.add_route(as_change(b, e.route_added ? e.route_added->target : b.destination));
          out.detail = "route via " + b.gateway + " restored";
        } else if (why.empty()) {
          out.detail = "the added route deleted";
        }
        break;
      case StepKind::kEnableTask:
        why = actions.set_task_enabled(e.task_was_enabled);
        out.detail = e.task_was_enabled ? "task left enabled" : "task disabled again";
        break;
      case StepKind::kInstallKey:
        u.not_restorable.push_back("the previous key (channel " +
                                   (e.channel_before.empty() ? std::string("unknown") : e.channel_before) +
                                   ", ending " + e.partial_key_before +
                                   ") cannot be reinstalled from the journal: install it again with "
                                   "slmgr /ipk <key> if you have it");
        out.status = StepStatus::kNotRun;
        out.detail = u.not_restorable.back();
        u.steps.push_back(out);
        continue;
      case StepKind::kRunTask:
      case StepKind::kActivate: continue;
    }
    if (!why.empty()) {
      out.status = StepStatus::kFailed;
      out.detail = why;
      u.ok = false;
    } else {
      out.status = StepStatus::kDone;
    }
    u.steps.push_back(out);
  }
  return u;
}

}  // namespace hciattest::activation
