// The fleet view as text, JSON, CSV, JUnit and one self-contained HTML page.
#include <nlohmann/json.hpp>

#include <ostream>
#include <sstream>
#include <string>

#include "fleet/fleet_report.h"
#include "io/markup.h"

namespace hciattest::fleet {
namespace {

using nlohmann::json;

// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. A field that
// a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.
std::string csv_field(std::string_view s) {
  std::string v(s);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

const MachineCheck* find_check(const Machine& m, std::string_view id) {
  for (const auto& c : m.checks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::string totals_line(const FleetReport& r) {
  std::string out = std::to_string(r.machine_count()) + " machine(s): " +
                    std::to_string(r.machines_with(Status::kFail)) + " failing, " +
                    std::to_string(r.machines_with(Status::kWarn)) + " with warnings, " +
                    std::to_string(r.machines_with(Status::kPass) + r.machines_with(Status::kSkip)) +
                    " healthy";
  if (!r.skipped().empty()) out += "; " + std::to_string(r.skipped().size()) + " file(s) skipped";
  if (!r.duplicates().empty()) {
    out += "; " + std::to_string(r.duplicates().size()) + " older report(s) of a machine ignored";
  }
  return out;
}

}  // namespace

void write_text(const FleetReport& r, std::ostream& out) {
  const int code = fleet_exit_code(r);
  out << "hciattest report: "
      << (code == 1 ? "FAILURES" : code == 5 ? "INCOMPLETE" : code == 3 ? "warnings" : "healthy")
      << "\n  " << totals_line(r) << "\n\n";
  const auto machines = r.machines();
  for (const auto& c : r.checks()) {
    out << "  " << c.id << "  fail " << c.count(Status::kFail) << "  warn "
        << c.count(Status::kWarn) << "  pass " << c.count(Status::kPass) << "  skip "
        << c.count(Status::kSkip) << "\n";
    for (Status s : {Status::kFail, Status::kWarn}) {
      for (const Machine* m : machines) {
        const MachineCheck* mc = find_check(*m, c.id);
        if (mc == nullptr || mc->status != s) continue;
        out << "      " << (s == Status::kFail ? "FAIL " : "WARN ") << m->name << ": "
            << mc->summary << "\n";
        if (!mc->remedy.empty()) out << "           remedy: " << mc->remedy << "\n";
      }
    }
  }
  for (const auto& s : r.skipped()) out << "\n  skipped " << s.file << ": " << s.reason;
  for (const auto& d : r.duplicates()) {
    out << "\n  " << d.machine << " reported twice: " << d.kept << " kept, the older "
        << d.dropped << " ignored";
  }
  if (!r.skipped().empty() || !r.duplicates().empty()) out << "\n";
}

void write_json(const FleetReport& r, const std::string& generated_at,
                const std::string& tool_version, std::ostream& out) {
  // Written object by object: the document for 10,000 machines is never built whole.
  const auto machines = r.machines();
  json totals = {{"machines", r.machine_count()},
                 {"failing", r.machines_with(Status::kFail)},
                 {"warnings", r.machines_with(Status::kWarn)},
                 {"healthy", r.machines_with(Status::kPass) + r.machines_with(Status::kSkip)},
                 {"skipped_files", r.skipped().size()},
                 {"duplicates", r.duplicates().size()}};
  out << "{\n  \"schema\": " << json(kFleetSchema).dump() << ",\n  \"tool_version\": "
      << json(tool_version).dump() << ",\n  \"generated_at\": " << json(generated_at).dump()
      << ",\n  \"totals\": " << totals.dump() << ",\n  \"checks\": [";
  const char* sep = "\n    ";
  for (const auto& c : r.checks()) {
    json counts = json::object();
    for (Status s : {Status::kPass, Status::kWarn, Status::kFail, Status::kSkip}) {
      counts[status_id(s)] = c.count(s);
    }
    json failing = json::array(), warning = json::array();
    for (const Machine* m : machines) {
      const MachineCheck* mc = find_check(*m, c.id);
      if (mc == nullptr || (mc->status != Status::kFail && mc->status != Status::kWarn)) continue;
      (mc->status == Status::kFail ? failing : warning)
          .push_back({{"machine", m->name}, {"summary", std::string(mc->summary)},
                      {"remedy", std::string(mc->remedy)}});
    }
    out << sep
        << json{{"id", c.id}, {"title", c.title}, {"counts", counts}, {"failing", failing},
                {"warning", warning}}
               .dump();
    sep = ",\n    ";
  }
  out << "\n  ],\n  \"machines\": [";
  sep = "\n    ";
  for (const Machine* m : machines) {
    json statuses = json::object();
    for (const auto& c : m->checks) statuses[std::string(c.id)] = status_id(c.status);
    out << sep
        << json{{"key", m->key}, {"name", m->name}, {"vm_id", m->vm_id},
                {"worst", status_id(m->worst())}, {"source", m->source}, {"schema", m->schema},
                {"generated_at", m->generated_at}, {"checks", statuses}}
               .dump();
    sep = ",\n    ";
  }
  json skipped = json::array();
  for (const auto& s : r.skipped()) skipped.push_back({{"file", s.file}, {"reason", s.reason}});
  json dups = json::array();
  for (const auto& d : r.duplicates()) {
    dups.push_back({{"machine", d.machine}, {"kept", d.kept}, {"dropped", d.dropped}});
  }
  out << "\n  ],\n  \"skipped\": " << skipped.dump() << ",\n  \"duplicates\": " << dups.dump()
      << "\n}\n";
}

void write_csv(const FleetReport& r, std::ostream& out) {
  out << "machine,vm_id,check,status,summary,remedy,source\r\n";
  for (const Machine* m : r.machines()) {
    for (const auto& c : m->checks) {
      out << csv_field(m->name) << ',' << csv_field(m->vm_id) << ',' << csv_field(c.id) << ','
          << status_id(c.status) << ',' << csv_field(c.summary) << ',' << csv_field(c.remedy)
          << ',' << csv_field(m->source) << "\r\n";
    }
  }
}

void write_junit(const FleetReport& r, const std::string& generated_at, std::ostream& os) {
  const auto machines = r.machines();
  const auto checks = r.checks();
  int tests = 0, failures = 0, skipped = 0;
  for (const auto& c : checks) {
    for (Status s : {Status::kPass, Status::kWarn, Status::kFail, Status::kSkip}) tests += c.count(s);
    failures += c.count(Status::kFail);
    skipped += c.count(Status::kSkip);
  }
  const int errors = static_cast<int>(r.skipped().size());
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"hciattest report\" tests=\"" + std::to_string(tests + errors) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
         "\" skipped=\"" + std::to_string(skipped) + "\">\n";
  // One suite per check, one case per machine: a CI view groups the fleet by what fails.
  for (const auto& c : checks) {
    const int n = c.count(Status::kPass) + c.count(Status::kWarn) + c.count(Status::kFail) +
                  c.count(Status::kSkip);
    out += "  <testsuite name=\"" + io::escape_markup(c.id) + "\" tests=\"" + std::to_string(n) +
           "\" failures=\"" + std::to_string(c.count(Status::kFail)) + "\" errors=\"0\" skipped=\"" +
           std::to_string(c.count(Status::kSkip)) + "\" timestamp=\"" +
           io::escape_markup(generated_at) + "\">\n";
    for (const Machine* m : machines) {
      const MachineCheck* mc = find_check(*m, c.id);
      if (mc == nullptr) continue;
      out += "    <testcase classname=\"" + io::escape_markup(c.id) + "\" name=\"" +
             io::escape_markup(m->name) + "\">";
      if (mc->status == Status::kFail) {
        out += "<failure message=\"" + io::escape_markup(mc->summary) + "\">" +
               io::escape_markup(mc->remedy) + "</failure>";
      } else if (mc->status == Status::kSkip) {
        out += "<skipped message=\"" + io::escape_markup(mc->summary) + "\"/>";
      } else if (mc->status == Status::kWarn) {
        out += "<system-out>WARN " + io::escape_markup(mc->summary) +
               (mc->remedy.empty() ? "" : "; remedy: " + io::escape_markup(mc->remedy)) +
               "</system-out>";
      }
      out += "</testcase>\n";
      os << out;  // a row at a time
      out.clear();
    }
    out += "  </testsuite>\n";
  }
  if (errors > 0) {  // an unreadable report hides a machine: an error, not a pass
    out += "  <testsuite name=\"report-files\" tests=\"" + std::to_string(errors) +
           "\" failures=\"0\" errors=\"" + std::to_string(errors) + "\" skipped=\"0\">\n";
    for (const auto& s : r.skipped()) {
      out += "    <testcase classname=\"report-files\" name=\"" + io::escape_markup(s.file) +
             "\"><error message=\"" + io::escape_markup(s.reason) + "\"/></testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  os << out << "</testsuites>\n";
}

void write_html(const FleetReport& r, const std::string& generated_at, std::ostream& os) {
  const auto machines = r.machines();
  const auto checks = r.checks();
  // One file, nothing fetched: the styles are inline, there is no script, no font, no image.
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>hciattest fleet report</title>\n<style>\n"
      "body{font-family:system-ui,sans-serif;margin:1rem;color:#111}\n"
      "h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.5rem}\n"
      ".grid{overflow-x:auto;max-width:100%}\n"
      "table{border-collapse:collapse;font-size:.85rem}\n"
      "th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}\n"
      "thead th{position:sticky;top:0;background:#f4f4f4}\n"
      "th.machine{position:sticky;left:0;background:#fff;white-space:nowrap}\n"
      "td.fail{background:#f8b4b4}td.warn{background:#fde68a}td.pass{background:#bbf7d0}"
      "td.skip{background:#e5e7eb;color:#555}td.none{background:#fff}\n"
      "details{margin:.3rem 0}summary{cursor:pointer}\n"
      "</style>\n</head>\n<body>\n";
  out += "<h1>hciattest fleet report</h1>\n<p id=\"totals\">" + io::escape_markup(totals_line(r)) +
         " &middot; " + io::escape_markup(generated_at) + "</p>\n";
  out += "<div class=\"grid\"><table id=\"grid\">\n<thead><tr><th class=\"machine\">machine</th>";
  for (const auto& c : checks) {
    out += "<th title=\"" + io::escape_markup(c.title) + "\">" + io::escape_markup(c.id) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const Machine* m : machines) {
    out += "<tr><th class=\"machine\">" + io::escape_markup(m->name) + "</th>";
    for (const auto& c : checks) {
      const MachineCheck* mc = find_check(*m, c.id);
      if (mc == nullptr) {
        out += "<td class=\"none\"></td>";
        continue;
      }
      const char* id = status_id(mc->status);
      out += std::string("<td class=\"") + id + "\" title=\"" + io::escape_markup(mc->summary) + "\">" +
             id + "</td>";
    }
    out += "</tr>\n";
    os << out;  // a row at a time
    out.clear();
  }
  out += "</tbody></table></div>\n<h2>Failing and warning checks</h2>\n";
  for (const auto& c : checks) {
    if (c.count(Status::kFail) + c.count(Status::kWarn) == 0) continue;
    out += "<details open><summary>" + io::escape_markup(c.id) + ": " +
           std::to_string(c.count(Status::kFail)) + " failing, " +
           std::to_string(c.count(Status::kWarn)) + " warning</summary><ul>\n";
    for (Status s : {Status::kFail, Status::kWarn}) {
      for (const Machine* m : machines) {
        const MachineCheck* mc = find_check(*m, c.id);
        if (mc == nullptr || mc->status != s) continue;
        out += std::string("<li><b>") + status_id(s) + "</b> " + io::escape_markup(m->name) + ": " +
               io::escape_markup(mc->summary) +
               (mc->remedy.empty() ? "" : "<br>remedy: <code>" + io::escape_markup(mc->remedy) + "</code>") +
               "</li>\n";
        os << out;
        out.clear();
      }
    }
    out += "</ul></details>\n";
  }
  if (!r.skipped().empty() || !r.duplicates().empty()) {
    out += "<h2>Files</h2>\n<ul>\n";
    for (const auto& s : r.skipped()) {
      out += "<li>skipped " + io::escape_markup(s.file) + ": " + io::escape_markup(s.reason) + "</li>\n";
    }
    for (const auto& d : r.duplicates()) {
      out += "<li>" + io::escape_markup(d.machine) + " reported twice: " + io::escape_markup(d.kept) +
             " kept, the older " + io::escape_markup(d.dropped) + " ignored</li>\n";
    }
    out += "</ul>\n";
  }
  os << out << "</body>\n</html>\n";
}

std::string to_text(const FleetReport& r) {
  std::ostringstream s;
  write_text(r, s);
  return s.str();
}

std::string to_json(const FleetReport& r, const std::string& generated_at,
                    const std::string& tool_version) {
  std::ostringstream s;
  write_json(r, generated_at, tool_version, s);
  return s.str();
}

std::string to_csv(const FleetReport& r) {
  std::ostringstream s;
  write_csv(r, s);
  return s.str();
}

std::string to_junit(const FleetReport& r, const std::string& generated_at) {
  std::ostringstream s;
  write_junit(r, generated_at, s);
  return s.str();
}

std::string to_html(const FleetReport& r, const std::string& generated_at) {
  std::ostringstream s;
  write_html(r, generated_at, s);
  return s.str();
}

}  // namespace hciattest::fleet
