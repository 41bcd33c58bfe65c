// `hciattest activate --apply` and `--undo`: carrying an ActivationPlan out, one step at a time,
// each change journaled before it is made, and undoing from that journal. Pure orchestration:
// the machine is reached only through ActivationActions (Windows: WMI methods, IP Helper, Task
// Scheduler in apply_windows.cpp; tests: a fake), the journal only through JournalSink.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "activation/plan.h"

namespace hciattest::activation {

// A /32 route as the plan's set-route step sets it.
struct RouteChange {
  std::string target;          // 169.254.169.250
  std::string gateway;         // 172.31.0.1
  std::string interface_name;  // as hostcheck reports it
  unsigned interface_index = 0;
  std::uint32_t metric = 0;
};

// The changes, one call each. Each returns "" on success, else what failed with the OS code.
class ActivationActions {
 public:
  virtual ~ActivationActions() = default;
  virtual std::string set_task_enabled(bool enabled) = 0;
  // Runs the LicenseImdsIntegration task ignoring its conditions and waits until it is no longer
  // running, at most `timeout`.
  virtual std::string run_task(std::chrono::seconds timeout) = 0;
  // Adding a route that is already there is success: undo puts back a replaced route that an
  // apply killed before it deleted the route is still there.
  virtual std::string add_route(const RouteChange& route) = 0;
  // Deleting a route that is not there is success (undo may run after a half-done change).
  virtual std::string delete_route(const RouteChange& route) = 0;
  virtual std::string install_product_key(const std::string& key) = 0;
  // host "" clears the setting (DNS auto-discovery again); port 0 clears the port.
  virtual std::string set_kms_host(const std::string& host, std::uint16_t port) = 0;
  virtual std::string activate_windows() = 0;
  // The state after a change: licensing, task, routes (platform and version carried over).
  virtual ActivationFacts reread(const ActivationFacts& before) = 0;
};

// What one change replaced, recorded before the change is made.
struct JournalEntry {
  StepKind kind = StepKind::kActivate;
  std::string title;
  // Written true before the change is attempted: undo restores every started entry (restoring
  // is idempotent, so a change that failed half-way is restored too).
  bool started = false;
  // enable-task: whether the task was enabled before.
  bool task_was_enabled = false;
  // set-route: the route added, and the one the OS used before (restored by undo when it was a
  // host route of its own, i.e. prefix 32).
  std::optional<RouteChange> route_added;
  std::optional<hostcheck::Route> route_before;
  // install-key: the channel and the last five characters of the key replaced (Windows does not
  // give the whole key back: undo cannot reinstall it).
  std::string channel_before, partial_key_before;
  // set-kms-host: the previous setting ("" = none, port 0 = default).
  std::string kms_host_before;
  std::uint16_t kms_port_before = 0;
};

struct Journal {
  std::string tool_version;
  std::string created_at;  // ISO 8601 UTC
  std::string edition;     // the plan's edition name, for people
  std::string method;
  std::vector<JournalEntry> entries;
};

// Persists the journal; called before every change. "" on success, else why (and then the change
// is not made).
class JournalSink {
 public:
  virtual ~JournalSink() = default;
  virtual std::string write(const Journal& journal) = 0;
};

enum class StepStatus { kDone, kAlreadyDone, kFailed, kNotRun };
const char* step_status_id(StepStatus s);  // "done", "already-done", "failed", "not-run"

struct StepOutcome {
  StepKind kind = StepKind::kActivate;
  std::string title;
  StepStatus status = StepStatus::kNotRun;
  std::string detail;  // what happened: the postcondition seen, or the error
};

struct ApplyResult {
  bool ok = false;            // every step done or already done, and Windows is activated
  std::string error;          // why it stopped (refusal, journal, action or postcondition)
  std::vector<StepOutcome> steps;
  ActivationFacts after;      // the last state read
};

// Refuses (nothing changed, nothing journaled) unless plan.can_apply(). Then, per step: checks
// the precondition on the current state (already true → already-done, nothing changed), writes
// the journal entry, acts, re-reads, checks the postcondition. The run-task
// step runs the task a second time when Windows is still not activated (field notes). Stops at
// the first failure.
ApplyResult apply_plan(const ActivationPlan& plan, const ActivationFacts& facts, Journal& journal,
                       ActivationActions& actions, JournalSink& sink);

struct UndoResult {
  bool ok = false;                     // every restorable change was restored
  std::vector<StepOutcome> steps;      // newest change first
  std::vector<std::string> not_restorable;  // what undo cannot give back (the old key)
};

// Restores what the journal's started entries replaced, newest first: the KMS host and port,
// the routes (the added one deleted, a replaced host route put back), the task's enabled state.
// A replaced key is reported, not restored. Running it twice is harmless.
UndoResult undo_journal(const Journal& journal, ActivationActions& actions);

}  // namespace hciattest::activation

namespace hciattest::activation {

// This platform's actions: Windows (apply_windows.cpp) — WMI SoftwareLicensingService and
// SoftwareLicensingProduct methods, route.exe for persistent routes (no WMI or IP Helper call
// writes the persistent route store), Task Scheduler 2.0; `reread` uses read_licensing_state,
// the task reader and hostcheck's routes. Linux (apply_linux.cpp): every action answers "not
// applicable on Linux".
std::unique_ptr<ActivationActions> make_activation_actions();

}  // namespace hciattest::activation

namespace hciattest::activation {

// Creates `dir` (and its parents) for journals. On Windows a folder it creates is readable and
// writable by Administrators and SYSTEM only (protected DACL), so that no unprivileged user can
// plant or edit a journal that an elevated `--undo` would act on; an existing folder is left as
// it is. "" on success, else the reason.
std::string create_journal_directory(const std::string& dir);

}  // namespace hciattest::activation
