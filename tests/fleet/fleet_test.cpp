// The fleet view (fleet/fleet_report.h): reports of every known schema are read, a machine
// reported twice counts once (the newest wins, and the view says so), anything else is named
// and skipped, and each renderer shows what the view holds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "fleet/fleet_report.h"

namespace hciattest::fleet {
namespace {

using nlohmann::json;

json check(const std::string& id, const std::string& status, const std::string& remedy = "") {
  return {{"id", id}, {"title", id + " title"}, {"status", status},
          {"summary", id + " is " + status}, {"remedy", remedy}, {"evidence", json::array()}};
}

std::string doctor2(const std::string& name, const std::string& uuid, const std::string& at,
                    json checks) {
  return json{{"schema", "hciattest.doctor/2"}, {"generated_at", at},
              {"machine", {{"name", name}, {"smbios_uuid", uuid}, {"vm_id", ""}}},
              {"checks", checks}}
      .dump();
}

TEST(Fleet, MergesMachinesAndCountsEachCheck) {
  FleetReport r;
  EXPECT_TRUE(r.add(doctor2("b", "u-b", "2026-06-01T00:00:00Z",
                            {check("imds", "pass"), check("kms", "fail", "open TCP 1688")}),
                    "b.json", 0));
  EXPECT_TRUE(r.add(doctor2("a", "u-a", "2026-06-01T00:00:00Z",
                            {check("imds", "warn", "set NO_PROXY"), check("kms", "pass")}),
                    "a.json", 0));
  EXPECT_TRUE(r.add(doctor2("c", "u-c", "2026-06-01T00:00:00Z",
                            {check("imds", "pass"), check("kms", "skip")}),
                    "c.json", 0));
  ASSERT_EQ(r.machine_count(), 3u);
  const auto machines = r.machines();  // failing first, then warnings, then by name
  EXPECT_EQ(machines[0]->name, "b");
  EXPECT_EQ(machines[1]->name, "a");
  EXPECT_EQ(machines[2]->name, "c");
  const auto checks = r.checks();  // failing on most machines first
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].id, "kms");
  EXPECT_EQ(checks[0].title, "kms title");
  EXPECT_EQ(checks[0].count(Status::kFail), 1);
  EXPECT_EQ(checks[0].count(Status::kSkip), 1);
  EXPECT_EQ(checks[1].count(Status::kWarn), 1);
  EXPECT_EQ(checks[1].count(Status::kPass), 2);
  EXPECT_EQ(fleet_exit_code(r), 1);

  const std::string text = to_text(r);
  EXPECT_NE(text.find("FAIL b: kms is fail"), std::string::npos) << text;
  EXPECT_NE(text.find("remedy: open TCP 1688"), std::string::npos) << text;
  EXPECT_NE(text.find("WARN a: imds is warn"), std::string::npos) << text;
}

TEST(Fleet, AMachineReportedTwiceCountsOnceAndTheNewestWins) {
  FleetReport r;
  r.add(doctor2("vm", "UUID-1", "2026-06-02T00:00:00Z", {check("kms", "pass")}), "new.json", 0);
  r.add(doctor2("vm", "uuid-1", "2026-06-01T00:00:00Z", {check("kms", "fail")}), "old.json", 99);
  ASSERT_EQ(r.machine_count(), 1u);
  EXPECT_EQ(r.machines()[0]->source, "new.json");
  ASSERT_EQ(r.duplicates().size(), 1u);
  EXPECT_EQ(r.duplicates()[0].kept, "new.json");
  EXPECT_EQ(r.duplicates()[0].dropped, "old.json");
  EXPECT_EQ(fleet_exit_code(r), 0);
  // Without generated_at, the files' times decide.
  FleetReport m;
  const std::string old1 = json{{"schema", "hciattest.doctor/1"}, {"checks", {check("kms", "fail")}}}.dump();
  const std::string new1 = json{{"schema", "hciattest.doctor/1"}, {"checks", {check("kms", "pass")}}}.dump();
  m.add(new1, "dir/host7.json", 200);
  m.add(old1, "other/host7.json", 100);
  ASSERT_EQ(m.machine_count(), 1u);  // doctor/1 names no machine: the file's name does
  EXPECT_EQ(m.machines()[0]->name, "host7");
  EXPECT_EQ(m.machines()[0]->source, "dir/host7.json");
}

TEST(Fleet, ReadsAttestReportsAsTheDocumentCheck) {
  FleetReport r;
  json ok = {{"schema", "hciattest.attest/1"}, {"verified", true}, {"fetch", json::object()},
             {"verification", {{"code", "ok"}, {"message", "verified"},
                               {"payload", {{"vmId", "11111111-2222-3333-4444-555555555555"}}}}}};
  json bad = {{"schema", "hciattest.attest/1"}, {"verified", false}, {"fetch", json::object()},
              {"verification", nullptr}};
  EXPECT_TRUE(r.add(ok.dump(), "ok.json", 0));
  EXPECT_TRUE(r.add(bad.dump(), "web-3.json", 0));
  ASSERT_EQ(r.machine_count(), 2u);
  const auto ms = r.machines();
  EXPECT_EQ(ms[0]->name, "web-3");
  EXPECT_EQ(ms[0]->checks[0].id, "attested-document");
  EXPECT_EQ(ms[0]->checks[0].status, Status::kFail);
  EXPECT_EQ(ms[1]->name, "11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(ms[1]->checks[0].status, Status::kPass);
}

TEST(Fleet, NamesAndSkipsWhatIsNotAReport) {
  FleetReport r;
  EXPECT_FALSE(r.add("{\"checks\":", "cut.json", 0));
  EXPECT_FALSE(r.add("[1,2]", "array.json", 0));
  EXPECT_FALSE(r.add(R"({"schema":"hciattest.anchors/1"})", "anchors.json", 0));
  EXPECT_FALSE(r.add(R"({"schema":"hciattest.doctor/2","checks":[{"id":"x","status":"green"}]})",
                     "status.json", 0));
  r.add(doctor2("a", "u", "", {check("kms", "warn")}), "a.json", 0);
  ASSERT_EQ(r.skipped().size(), 4u);
  EXPECT_EQ(r.skipped()[0].file, "cut.json");
  EXPECT_NE(r.skipped()[0].reason.find("not JSON"), std::string::npos);
  EXPECT_NE(r.skipped()[2].reason.find("hciattest.anchors/1"), std::string::npos);
  EXPECT_NE(r.skipped()[3].reason.find("pass, warn, fail or skip"), std::string::npos);
  EXPECT_EQ(r.machine_count(), 1u);
  EXPECT_EQ(fleet_exit_code(r), 5);  // incomplete beats warnings; failures beat both
}

TEST(Fleet, RenderersEscapeWhatReportsSay) {
  FleetReport r;
  r.add(doctor2("<b>vm,1\"", "u", "", {check("kms", "fail", "=cmd|' /C calc'!A0")}), "x.json", 0);
  const std::string csv = to_csv(r);
  EXPECT_NE(csv.find("\"<b>vm,1\"\"\""), std::string::npos) << csv;
  EXPECT_NE(csv.find("'=cmd"), std::string::npos) << csv;  // no formula for a spreadsheet
  const std::string html = to_html(r, "2026-06-01T00:00:00Z");
  EXPECT_EQ(html.find("<b>vm"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;vm,1&quot;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  const std::string junit = to_junit(r, "t");
  EXPECT_NE(junit.find("name=\"&lt;b&gt;vm,1&quot;\""), std::string::npos) << junit;
  // XML 1.0 forbids most control characters even escaped.
  FleetReport ctl;
  ctl.add(doctor2(std::string("vm\x01\x1b[31m"), "u2", "", {check("kms", "fail")}), "y.json", 0);
  EXPECT_NE(to_junit(ctl, "t").find("name=\"vm??[31m\""), std::string::npos) << to_junit(ctl, "t");
  EXPECT_NE(junit.find("<failure message=\"kms is fail\">"), std::string::npos) << junit;
  const json j = json::parse(to_json(r, "t", "0.1.0"));
  EXPECT_EQ(j["schema"], kFleetSchema);
  EXPECT_EQ(j["totals"]["failing"], 1);
  EXPECT_EQ(j["checks"][0]["failing"][0]["machine"], "<b>vm,1\"");
}

}  // namespace
}  // namespace hciattest::fleet
