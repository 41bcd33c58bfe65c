#include "fleet/fleet_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "io/ascii.h"

namespace hciattest::fleet {
namespace {

using nlohmann::json;

int rank(Status s) {  // the order of "worst": fail, warn, pass, skip
  switch (s) {
    case Status::kFail: return 0;
    case Status::kWarn: return 1;
    case Status::kPass: return 2;
    case Status::kSkip: return 3;
  }
  return 3;
}

bool parse_status(const std::string& text, Status& out) {
  if (text == "pass") out = Status::kPass;
  else if (text == "warn") out = Status::kWarn;
  else if (text == "fail") out = Status::kFail;
  else if (text == "skip") out = Status::kSkip;
  else return false;
  return true;
}

std::string string_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string file_stem(const std::string& file) {
  return std::filesystem::u8path(file).stem().u8string();
}

// The machine's identity across reports: the SMBIOS UUID, else the vmId, else the name.
std::string machine_key(const Machine& m) {
  if (!m.key.empty()) return m.key;
  if (!m.vm_id.empty()) return "vm:" + io::ascii_lower(m.vm_id);
  return "name:" + io::ascii_lower(m.name);
}

using Titles = std::map<std::string, std::string, std::less<>>;
using Texts = std::unordered_set<std::string>;

std::string_view intern(Texts& texts, std::string text) {
  return *texts.insert(std::move(text)).first;
}

// doctor/1 and doctor/2: the checks; doctor/2 also names the machine.
bool read_doctor(const json& j, Machine& m, Titles& titles, Texts& texts, std::string& why) {
  auto checks = j.find("checks");
  if (checks == j.end() || !checks->is_array()) {
    why = "a doctor report without a \"checks\" list";
    return false;
  }
  for (const auto& c : *checks) {
    MachineCheck mc;
    std::string id = c.is_object() ? string_at(c, "id") : std::string();
    if (id.empty() || !parse_status(string_at(c, "status"), mc.status)) {
      why = "a check without an id or a status of pass, warn, fail or skip";
      return false;
    }
    if (titles.find(id) == titles.end()) titles.emplace(id, string_at(c, "title"));
    mc.id = intern(texts, std::move(id));
    mc.summary = intern(texts, string_at(c, "summary"));
    mc.remedy = intern(texts, string_at(c, "remedy"));
    m.checks.push_back(mc);
  }
  auto machine = j.find("machine");
  if (machine != j.end() && machine->is_object()) {
    m.name = string_at(*machine, "name");
    m.vm_id = string_at(*machine, "vm_id");
    const std::string uuid = string_at(*machine, "smbios_uuid");
    if (!uuid.empty()) m.key = "smbios:" + io::ascii_lower(uuid);
  }
  return true;
}

// attest/1: one check, the attested document, verified or not.
bool read_attest(const json& j, Machine& m, Titles& titles, Texts& texts, std::string& why) {
  auto verified = j.find("verified");
  if (verified == j.end() || !verified->is_boolean()) {
    why = "an attest report without \"verified\"";
    return false;
  }
  MachineCheck mc;
  mc.id = intern(texts, "attested-document");
  mc.status = verified->get<bool>() ? Status::kPass : Status::kFail;
  const json* v = nullptr;
  if (auto it = j.find("verification"); it != j.end() && it->is_object()) v = &*it;
  if (v != nullptr) {
    mc.summary = intern(texts, string_at(*v, "code") + ": " + string_at(*v, "message"));
    if (auto p = v->find("payload"); p != v->end() && p->is_object() && mc.status == Status::kPass) {
      m.vm_id = string_at(*p, "vmId");  // a rejected document's vmId proves nothing
    }
  } else {
    mc.summary = intern(texts, "fetch_failed: no IMDS endpoint answered");
  }
  if (mc.status == Status::kFail) mc.remedy = intern(texts, "run hciattest doctor on this machine");
  if (titles.find(mc.id) == titles.end()) {
    titles.emplace(std::string(mc.id), "the attested document verifies");
  }
  m.checks.push_back(mc);
  return true;
}

}  // namespace

const char* status_id(Status s) {
  switch (s) {
    case Status::kPass: return "pass";
    case Status::kWarn: return "warn";
    case Status::kFail: return "fail";
    case Status::kSkip: return "skip";
  }
  return "skip";
}

Status Machine::worst() const {
  Status w = Status::kSkip;
  for (const auto& c : checks) {
    if (rank(c.status) < rank(w)) w = c.status;
  }
  return w;
}

int CheckSummary::count(Status s) const {
  auto it = counts.find(s);
  return it == counts.end() ? 0 : it->second;
}

bool FleetReport::add(std::string_view bytes, const std::string& file, std::int64_t mtime) {
  json j = json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    skip(file, "not JSON: save the report with `hciattest doctor -o json > FILE` (or attest)");
    return false;
  }
  const std::string schema = j.is_object() ? string_at(j, "schema") : std::string();
  Machine m;
  m.schema = schema;
  m.source = file;
  m.generated_at = string_at(j, "generated_at");
  std::string why;
  bool ok = false;
  if (schema == "hciattest.doctor/2" || schema == "hciattest.doctor/1") {
    ok = read_doctor(j, m, titles_, texts_, why);
  } else if (schema == "hciattest.attest/1") {
    ok = read_attest(j, m, titles_, texts_, why);
  } else {
    why = schema.empty() ? "not an hciattest report (no \"schema\")"
                         : "schema \"" + schema + "\" is not a doctor or attest report";
  }
  if (!ok) {
    skip(file, why + ": expected `hciattest doctor -o json` or `hciattest attest -o json` output");
    return false;
  }
  if (m.name.empty()) m.name = !m.vm_id.empty() ? m.vm_id : file_stem(file);
  const std::string key = machine_key(m);
  m.key = key;
  auto it = machines_.find(key);
  if (it == machines_.end()) {
    machines_.emplace(key, Entry{std::move(m), mtime});
    return true;
  }
  // The newer report wins: by generated_at when both have one (ISO 8601 UTC sorts as text),
  // else by the files' modification times; a tie keeps the first read.
  Entry& have = it->second;
  const bool both_stamped = !have.machine.generated_at.empty() && !m.generated_at.empty();
  const bool newer = both_stamped ? m.generated_at > have.machine.generated_at : mtime > have.mtime;
  if (newer) {
    duplicates_.push_back({m.name, m.source, have.machine.source});
    have = Entry{std::move(m), mtime};
  } else {
    duplicates_.push_back({have.machine.name, have.machine.source, m.source});
  }
  return true;
}

void FleetReport::skip(const std::string& file, const std::string& reason) {
  skipped_.push_back({file, reason});
}

std::vector<const Machine*> FleetReport::machines() const {
  std::vector<const Machine*> out;
  out.reserve(machines_.size());
  for (const auto& [key, e] : machines_) out.push_back(&e.machine);
  std::stable_sort(out.begin(), out.end(), [](const Machine* a, const Machine* b) {
    const int ra = rank(a->worst()), rb = rank(b->worst());
    return ra != rb ? ra < rb : a->name < b->name;
  });
  return out;
}

std::vector<CheckSummary> FleetReport::checks() const {
  std::map<std::string_view, CheckSummary> by_id;
  for (const auto& [key, e] : machines_) {
    for (const auto& c : e.machine.checks) {
      CheckSummary& s = by_id[c.id];
      s.id = std::string(c.id);
      ++s.counts[c.status];
    }
  }
  std::vector<CheckSummary> out;
  for (auto& [id, s] : by_id) {
    auto t = titles_.find(id);
    if (t != titles_.end()) s.title = t->second;
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const CheckSummary& a, const CheckSummary& b) {
    if (a.count(Status::kFail) != b.count(Status::kFail))
      return a.count(Status::kFail) > b.count(Status::kFail);
    return a.count(Status::kWarn) > b.count(Status::kWarn);
  });
  return out;
}

int FleetReport::machines_with(Status worst) const {
  int n = 0;
  for (const auto& [key, e] : machines_) n += e.machine.worst() == worst ? 1 : 0;
  return n;
}

int fleet_exit_code(const FleetReport& r) {
  if (r.machines_with(Status::kFail) > 0) return 1;
  if (!r.skipped().empty()) return 5;
  if (r.machines_with(Status::kWarn) > 0) return 3;
  return 0;
}

}  // namespace hciattest::fleet
