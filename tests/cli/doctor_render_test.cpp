// The doctor's renderers against golden files (tests/data/golden; HCIATTEST_UPDATE_GOLDEN=1
// rewrites them), over the faked facts of tests/doctor/facts_fixture.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/doctor_render.h"
#include "cli/exit_codes.h"
#include "tests/doctor/facts_fixture.h"

namespace hciattest::cli {
namespace {

using namespace doctor::fakes;

std::string read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(HCIATTEST_SOURCE_DIR) + "/tests/data/golden/" + name;
  if (std::getenv("HCIATTEST_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  const std::string expected = read(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing: run with HCIATTEST_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, expected) << "differs from " << path;
}

doctor::Report golden_report() {
  doctor::Facts f = healthy_hci();
  f.proxy_env["HTTPS_PROXY"] = "http://proxy.contoso.test:3128";
  f.tcp_253.connected = false;
  f.tcp_253.error = "timed out after 1500 ms <no answer> & \"dropped\"";
  doctor::Report r = report_of(f);
  r.machine.vm_id = "02aab8a4-74ef-476e-8182-f6d2ba4166a6";
  r.machine.subscription_id = "8d10da13-8125-4ba9-a717-bf7490507b3d";
  return r;
}

TEST(DoctorRender, TextMatchesTheGoldenFile) {
  expect_golden("doctor.txt", doctor_to_text(golden_report(), false));
}

TEST(DoctorRender, JsonMatchesTheGoldenFile) {
  expect_golden("doctor.json", doctor_to_json(golden_report()).dump(2) + "\n");
}

TEST(DoctorRender, JunitMatchesTheGoldenFile) {
  expect_golden("doctor.xml", doctor_to_junit(golden_report()));
}

TEST(DoctorRender, TextPutsFailuresFirst) {
  std::string text = doctor_to_text(golden_report(), false);
  EXPECT_LT(text.find("FAIL"), text.find("pass")) << text;
  EXPECT_NE(text.find("remedy:"), std::string::npos);
}

TEST(DoctorRender, TheExitCodeIsTheVerdicts) {
  doctor::Report r = golden_report();  // a failing TCP probe of .253 and a proxy warning
  EXPECT_EQ(doctor_exit_code(r, false), kExitFailed);
  r.checks.erase(std::remove_if(r.checks.begin(), r.checks.end(),
                                [](const doctor::Check& c) { return c.status == doctor::Status::kFail; }),
                 r.checks.end());
  EXPECT_EQ(doctor_exit_code(r, false), kExitWarnings);
  EXPECT_EQ(doctor_exit_code(r, true), kExitFailed);
  for (auto& c : r.checks) c.status = doctor::Status::kPass;
  EXPECT_EQ(doctor_exit_code(r, false), kExitOk);
}

}  // namespace
}  // namespace hciattest::cli
