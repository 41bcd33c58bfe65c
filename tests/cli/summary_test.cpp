// --output summary: the one-line renderer's contract (ASCII, at most 2,048 bytes, no field cut,
// "...+N more"), and each command's line: doctor, verify, attest and activate, their exit codes
// unchanged.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "cli/activate_command.h"
#include "cli/doctor_render.h"
#include "cli/exit_codes.h"
#include "cli/summary.h"

namespace hciattest::cli {
namespace {

bool plain_ascii_one_line(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7F) return false;
  }
  return true;
}

Summary failing(std::size_t checks, std::size_t remedy_bytes) {
  Summary s;
  s.command = "doctor";
  s.verdict = "failures";
  s.machine = "avd-host-3";
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < checks; ++i) ids.push_back("check-number-" + std::to_string(i));
  s.lists = {{"fail", ids}, {"warn", {"spp-events"}}};
  s.remedy = std::string(remedy_bytes, 'r');
  return s;
}

TEST(Summary, AShortReportIsOneLineWithEveryField) {
  const std::string line = render_summary(failing(2, 40));
  EXPECT_EQ(line, "hciattest doctor: failures | machine=avd-host-3 | fail=check-number-0,check-number-1"
                  " | warn=spp-events | remedy: " + std::string(40, 'r'));
}

TEST(Summary, ALongRemedyIsLeftOutWholeNeverCut) {
  const std::string line = render_summary(failing(2, 5000));
  EXPECT_LE(line.size(), kSummaryMax);
  EXPECT_EQ(line.find("rrr"), std::string::npos) << "a remedy is never cut";
  EXPECT_NE(line.find("remedy: too long for this line, see the full report"), std::string::npos);
  EXPECT_NE(line.find("fail=check-number-0,check-number-1 | warn=spp-events"), std::string::npos);
}

TEST(Summary, ManyChecksEndInHowManyMoreAndNoIdIsCut) {
  for (std::size_t n : {200u, 1000u, 100000u}) {
    const Summary s = failing(n, 100);
    const std::string line = render_summary(s);
    ASSERT_LE(line.size(), kSummaryMax) << n;
    EXPECT_TRUE(plain_ascii_one_line(line));
    const auto more = line.find("...+");
    ASSERT_NE(more, std::string::npos) << line;
    // Every id shown is whole, and shown + more = all.
    const auto list_start = line.find("fail=") + 5;
    const std::string shown = line.substr(list_start, more - list_start);
    std::size_t count = 0;
    for (std::size_t at = 0; at < shown.size();) {
      const auto comma = shown.find(',', at);
      const std::string id = shown.substr(at, comma - at);
      EXPECT_EQ(id, "check-number-" + std::to_string(count)) << id;
      ++count;
      at = comma == std::string::npos ? shown.size() : comma + 1;
    }
    const std::size_t rest = std::stoul(line.substr(more + 4));
    EXPECT_EQ(count + rest, n) << line.substr(more);
  }
}

TEST(Summary, NonAsciiAndLineBreaksCannotBreakTheLine) {
  Summary s;
  s.command = "verify";
  s.verdict = "rejected";
  s.machine = "ПК-01\r\nInjected: line";  // a Cyrillic computer name, and a forged second line
  s.remedy = "tab\there, bell\a, and é";
  const std::string line = render_summary(s);
  EXPECT_TRUE(plain_ascii_one_line(line)) << line;
  EXPECT_NE(line.find("machine=?" "?-01  Injected: line"), std::string::npos) << line;  // no trigraph
  EXPECT_NE(line.find("remedy: tab here, bell , and ?"), std::string::npos) << line;
}

TEST(Summary, AGiantMachineNameStillGivesTheVerdict) {
  Summary s = failing(3, 10);
  s.machine = std::string(10000, 'm');
  const std::string line = render_summary(s);
  EXPECT_LE(line.size(), kSummaryMax);
  EXPECT_EQ(line, "hciattest doctor: failures | details too long for this line, see the full report");
}

doctor::Report report_with(std::vector<std::pair<std::string, doctor::Status>> checks) {
  doctor::Report r;
  r.machine.name = "vm1";
  r.platform = "azure";
  for (const auto& [id, status] : checks) {
    doctor::Check c;
    c.id = id;
    c.status = status;
    c.remedy = "fix " + id;
    r.checks.push_back(c);
  }
  return r;
}

TEST(Summary, DoctorGivesFailuresThenWarningsAndTheFirstFailuresRemedy) {
  const doctor::Report r = report_with({{"platform", doctor::Status::kPass},
                                      {"spp-events", doctor::Status::kWarn},
                                      {"windows-firewall", doctor::Status::kFail},
                                      {"azure-kms", doctor::Status::kFail},
                                      {"kms", doctor::Status::kSkip}});
  EXPECT_EQ(render_summary(doctor_summary(r, false)),
            "hciattest doctor: failures | machine=vm1 | platform=azure | "
            "fail=windows-firewall,azure-kms | warn=spp-events | remedy: fix windows-firewall");
  const doctor::Report w = report_with({{"spp-events", doctor::Status::kWarn}});
  EXPECT_EQ(render_summary(doctor_summary(w, false)),
            "hciattest doctor: warnings | machine=vm1 | platform=azure | warn=spp-events | remedy: fix spp-events");
  // --strict turns warnings into failures, as its exit code does.
  EXPECT_EQ(doctor_summary(w, true).verdict, "failures");
  EXPECT_EQ(doctor_summary(report_with({{"platform", doctor::Status::kPass}}), false).verdict, "healthy");
}

activation::ActivationFacts not_activated_azure_server() {
  activation::ActivationFacts f;
  f.platform = hostcheck::Platform::kAzure;
  f.version = {"ServerDatacenter", "Windows Server 2022 Datacenter", "Server", 20348};
  f.licensing.available = true;
  f.licensing.description = "Windows(R) Operating System, VOLUME_KMSCLIENT channel";
  f.licensing.partial_product_key = "6VM33";
  f.licensing.status = activation::license_status_from(5);
  f.licensing.status_reason = 0xC004F074;
  f.task = {true, "", false, false, "", std::nullopt, "", "", {}, {}};
  f.elevated = true;
  return f;
}

TEST(Summary, ActivatePlanSaysWhatToRunAndKeepsItsExitCode) {
  ActivateCommandOptions o;
  o.output = "summary";
  std::istringstream in;
  std::ostringstream out, err;
  CommandIo io{in, out, err, [] { return std::int64_t{0}; }, false};
  const int code = run_activate(o, io, [](const ActivateCommandOptions&) { return not_activated_azure_server(); });
  EXPECT_EQ(code, kExitWarnings);
  const std::string line = out.str();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
  EXPECT_EQ(line.rfind("hciattest activate: fixable | machine=", 0), 0u) << line;
  EXPECT_NE(line.find("| edition=ServerDatacenter | method=kms | steps=set-kms-host,activate | "
                      "remedy: hciattest activate --apply"),
            std::string::npos) << line;
}

}  // namespace
}  // namespace hciattest::cli
