#include "cli/doctor_render.h"

#include <algorithm>
#include <cstdio>

#include "cli/exit_codes.h"
#include "io/markup.h"

namespace hciattest::cli {
namespace {

int rank(doctor::Status s) {
  switch (s) {
    case doctor::Status::kFail: return 0;
    case doctor::Status::kWarn: return 1;
    case doctor::Status::kPass: return 2;
    case doctor::Status::kSkip: return 3;
  }
  return 3;
}

// "avd-host-3, SMBIOS UUID 4c4c...; vmId 02aab8a4-...; subscription 8d10da13-..."
std::string machine_line(const doctor::MachineIdentity& m) {
  std::string out = m.name.empty() ? std::string("(no computer name)") : m.name;
  if (!m.smbios_uuid.empty()) out += ", SMBIOS UUID " + m.smbios_uuid;
  if (!m.vm_id.empty()) out += "; vmId " + m.vm_id;
  if (!m.subscription_id.empty()) out += "; subscription " + m.subscription_id;
  return out;
}

}  // namespace

int doctor_exit_code(const doctor::Report& r, bool strict) {
  switch (doctor::verdict(r, strict)) {
    case doctor::Verdict::kHealthy: return kExitOk;
    case doctor::Verdict::kWarnings: return kExitWarnings;
    case doctor::Verdict::kFailures: return kExitFailed;
  }
  return kExitFailed;
}

nlohmann::json doctor_to_json(const doctor::Report& r) {
  nlohmann::json checks = nlohmann::json::array();
  int counts[4] = {0, 0, 0, 0};
  for (const auto& c : r.checks) {
    ++counts[static_cast<int>(c.status)];
    checks.push_back({{"id", c.id},
                      {"title", c.title},
                      {"status", doctor::status_id(c.status)},
                      {"summary", c.summary},
                      {"evidence", c.evidence},
                      {"remedy", c.remedy}});
  }
  return {{"schema", kDoctorSchema},
          {"tool_version", r.tool_version},
          {"generated_at", r.generated_at},
          {"machine", {{"name", r.machine.name},
                       {"smbios_uuid", r.machine.smbios_uuid},
                       {"vm_id", r.machine.vm_id},
                       {"subscription_id", r.machine.subscription_id}}},
          {"platform", {{"id", r.platform}, {"summary", r.platform_summary}}},
          {"verdict", doctor::verdict_id(doctor::verdict(r, false))},
          {"counts", {{"pass", counts[0]}, {"warn", counts[1]}, {"fail", counts[2]}, {"skip", counts[3]}}},
          {"checks", checks}};
}

std::string doctor_to_text(const doctor::Report& r, bool color) {
  auto paint = [color](doctor::Status s) -> std::string {
    const char* id = doctor::status_id(s);
    std::string label = s == doctor::Status::kFail ? "FAIL" : s == doctor::Status::kWarn ? "WARN" : id;
    if (!color) return label;
    const char* code = s == doctor::Status::kFail ? "31" : s == doctor::Status::kWarn ? "33"
                       : s == doctor::Status::kPass ? "32" : "90";
    return std::string("\x1b[") + code + "m" + label + "\x1b[0m";
  };
  std::vector<const doctor::Check*> order;
  for (const auto& c : r.checks) order.push_back(&c);
  std::stable_sort(order.begin(), order.end(),
                   [](const doctor::Check* a, const doctor::Check* b) { return rank(a->status) < rank(b->status); });
  const int code = doctor_exit_code(r, false);
  std::string out = std::string("hciattest doctor: ") +
                    (code == kExitOk ? "healthy" : code == kExitWarnings ? "warnings" : "FAILURES") +
                    "\n  machine   " + machine_line(r.machine) +
                    "\n  platform  " + r.platform + ": " + r.platform_summary + "\n\n";
  size_t width = 0;
  for (const auto* c : order) width = std::max(width, c->id.size());
  for (const auto* c : order) {
    std::string id = c->id + std::string(width - c->id.size(), ' ');
    out += "  " + paint(c->status) + "  " + id + "  " + c->summary + "\n";
    if (c->status == doctor::Status::kFail || c->status == doctor::Status::kWarn) {
      for (const auto& e : c->evidence) out += "        " + std::string(width, ' ') + "  - " + e + "\n";
      if (!c->remedy.empty()) out += "        " + std::string(width, ' ') + "  remedy: " + c->remedy + "\n";
    }
  }
  return out;
}

std::string doctor_to_junit(const doctor::Report& r) {
  int failures = 0, skipped = 0;
  for (const auto& c : r.checks) {
    failures += c.status == doctor::Status::kFail;
    skipped += c.status == doctor::Status::kSkip;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"hciattest doctor\" tests=\"" + std::to_string(r.checks.size()) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
         std::to_string(skipped) + "\">\n";
  out += "  <testsuite name=\"hciattest.doctor\" tests=\"" + std::to_string(r.checks.size()) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
         std::to_string(skipped) + "\" timestamp=\"" + io::escape_markup(r.generated_at) + "\">\n";
  out += "    <properties><property name=\"platform\" value=\"" + io::escape_markup(r.platform) +
         "\"/><property name=\"machine\" value=\"" + io::escape_markup(machine_line(r.machine)) +
         "\"/></properties>\n";
  for (const auto& c : r.checks) {
    out += "    <testcase classname=\"hciattest.doctor\" name=\"" + io::escape_markup(c.id) + "\" time=\"0\">\n";
    std::string details = c.summary;
    for (const auto& e : c.evidence) details += "\n- " + e;
    if (c.status == doctor::Status::kFail) {
      out += "      <failure message=\"" + io::escape_markup(c.summary) + "\" type=\"" + io::escape_markup(c.id) +
             "\">" + io::escape_markup(details + "\nremedy: " + c.remedy) + "</failure>\n";
    } else if (c.status == doctor::Status::kSkip) {
      out += "      <skipped message=\"" + io::escape_markup(c.summary) + "\"/>\n";
    } else {
      std::string text = details;
      if (c.status == doctor::Status::kWarn) text = "WARNING: " + text + "\nremedy: " + c.remedy;
      out += "      <system-out>" + io::escape_markup(text) + "</system-out>\n";
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

Summary doctor_summary(const doctor::Report& r, bool strict) {
  Summary s;
  s.command = "doctor";
  s.verdict = doctor::verdict_id(doctor::verdict(r, strict));
  s.machine = r.machine.name;
  std::vector<std::string> fail, warn;
  std::string fail_remedy, warn_remedy;
  for (const auto& c : r.checks) {
    if (c.status == doctor::Status::kFail) {
      fail.push_back(c.id);
      if (fail_remedy.empty()) fail_remedy = c.remedy;
    } else if (c.status == doctor::Status::kWarn) {
      warn.push_back(c.id);
      if (warn_remedy.empty()) warn_remedy = c.remedy;
    }
  }
  s.fields = {{"platform", r.platform}};
  s.lists = {{"fail", fail}, {"warn", warn}};
  s.remedy = fail_remedy.empty() ? warn_remedy : fail_remedy;
  return s;
}

}  // namespace hciattest::cli
