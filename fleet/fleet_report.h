// The fleet view: many machines' `doctor` and `attest` JSON reports merged into one
// (`hciattest report`). Pure: bytes in, the merged view out; reading files is the caller's.
//
// One machine is one report: a machine reported twice (the same SMBIOS UUID, else vmId, else
// computer name) counts once, the newest report wins, and the view says which file was dropped.
// A file that is not a report of a known schema is named, skipped and counted. Only what the
// view shows is kept of each report, so memory grows with the merged view, not with the input.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace hciattest::fleet {

inline constexpr const char* kFleetSchema = "hciattest.fleet/1";

// A check's status as reports write it: "pass", "warn", "fail", "skip".
enum class Status { kPass, kWarn, kFail, kSkip };
const char* status_id(Status s);

// The texts point into the FleetReport that holds the machine: a fleet's machines mostly say the
// same things (one remedy per check and cause), so each distinct text is kept once.
struct MachineCheck {
  std::string_view id;
  Status status = Status::kSkip;
  std::string_view summary;
  std::string_view remedy;
};

struct Machine {
  std::string key;           // what identifies it across reports: "smbios:<uuid>", "vm:<id>", ...
  std::string name;          // computer name, else vmId, else the file's name
  std::string vm_id;
  std::string source;        // the file it was read from
  std::string schema;        // "hciattest.doctor/2", "hciattest.doctor/1", "hciattest.attest/1"
  std::string generated_at;  // ISO 8601 UTC as the report wrote it ("" when it has none)
  std::vector<MachineCheck> checks;
  Status worst() const;      // fail > warn > pass > skip (skip only when every check skipped)
};

struct SkippedFile {
  std::string file;
  std::string reason;  // what was wrong and what to do
};

struct Duplicate {
  std::string machine;  // the machine's name
  std::string kept;     // the newer report's file
  std::string dropped;  // the older one
};

// One check across the fleet.
struct CheckSummary {
  std::string id;
  std::string title;
  std::map<Status, int> counts;
  int count(Status s) const;
};

class FleetReport {
 public:
  // Reads one report's bytes; `file` names it in the view. `mtime` (seconds on the file clock's
  // own epoch, which is not Unix time on every platform: only compared with other files' times)
  // orders two reports of a machine when either lacks `generated_at`. Returns false when it was
  // skipped.
  bool add(std::string_view bytes, const std::string& file, std::int64_t mtime);
  // A file that could not be read at all (the caller's reader failed).
  void skip(const std::string& file, const std::string& reason);

  // The machines, failing ones first, then by name.
  std::vector<const Machine*> machines() const;
  // The checks, those failing on most machines first, then warnings, then by id.
  std::vector<CheckSummary> checks() const;
  const std::vector<SkippedFile>& skipped() const { return skipped_; }
  const std::vector<Duplicate>& duplicates() const { return duplicates_; }
  int machines_with(Status worst) const;
  std::size_t machine_count() const { return machines_.size(); }

 private:
  struct Entry {
    Machine machine;
    std::int64_t mtime = 0;
  };
  std::map<std::string, Entry> machines_;  // by key
  std::map<std::string, std::string, std::less<>> titles_;  // check id -> the first report's title
  std::unordered_set<std::string> texts_;  // every distinct check text, once (node-based: stable)
  std::vector<SkippedFile> skipped_;
  std::vector<Duplicate> duplicates_;
};

// The exit code of `hciattest report` (docs/exit-codes.md): 1 when a machine fails a check,
// else 5 when a file was skipped, else 3 when a machine has warnings, else 0.
int fleet_exit_code(const FleetReport& r);

// Renderers, written as they go (a view of 10,000 machines is never held twice). `generated_at`
// is the view's own time (ISO 8601 UTC).
void write_text(const FleetReport& r, std::ostream& out);
void write_json(const FleetReport& r, const std::string& generated_at,
                const std::string& tool_version, std::ostream& out);
void write_csv(const FleetReport& r, std::ostream& out);
void write_junit(const FleetReport& r, const std::string& generated_at, std::ostream& out);
void write_html(const FleetReport& r, const std::string& generated_at, std::ostream& out);

// The same as strings, for tests and small views.
std::string to_text(const FleetReport& r);
std::string to_json(const FleetReport& r, const std::string& generated_at,
                    const std::string& tool_version);
std::string to_csv(const FleetReport& r);
std::string to_junit(const FleetReport& r, const std::string& generated_at);
std::string to_html(const FleetReport& r, const std::string& generated_at);

}  // namespace hciattest::fleet
