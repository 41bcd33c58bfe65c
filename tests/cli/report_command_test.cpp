// `hciattest report`: files and folders of real doctor output (the golden report), the exit
// codes, --out, and the usage errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/exit_codes.h"
#include "tests/cli/run_cli.h"

namespace hciattest::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ReportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hciattest-report-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "site-b");
    std::ifstream f(std::string(HCIATTEST_SOURCE_DIR) + "/tests/data/golden/doctor.json");
    std::stringstream ss;
    ss << f.rdbuf();
    golden_ = json::parse(ss.str());
  }
  void TearDown() override { fs::remove_all(dir_); }
  // The golden report (a failing HCI VM) as machine `name`, healthy when `healthy`.
  void write(const fs::path& file, const std::string& name, bool healthy) {
    json j = golden_;
    j["machine"]["name"] = name;
    j["machine"]["smbios_uuid"] = "uuid-" + name;
    if (healthy) {
      for (auto& c : j["checks"]) {
        if (c["status"] == "fail" || c["status"] == "warn") c["status"] = "pass";
      }
    }
    std::ofstream(dir_ / file) << j.dump(2);
  }
  fs::path dir_;
  json golden_;
};

TEST_F(ReportCommand, ReadsFoldersAndFilesAndExitsOneWhenAMachineFails) {
  write("hci-01.json", "hci-01", false);
  write("site-b/hci-02.json", "hci-02", true);
  std::ofstream(dir_ / "site-b" / "readme.txt") << "not a report, not a .json: not read";
  testing::CliOutcome r = testing::run_cli({"report", dir_.string()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("2 machine(s): 1 failing, 0 with warnings, 1 healthy"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("FAIL hci-01: the adapter is there"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Add-AzStackHCIVMAttestation"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("readme"), std::string::npos);
}

TEST_F(ReportCommand, HealthyFleetExitsZeroAndASkippedFileExitsFive) {
  write("a.json", "a", true);
  write("b.json", "b", true);
  EXPECT_EQ(testing::run_cli({"report", dir_.string()}).code, kExitOk);
  std::ofstream(dir_ / "site-b" / "cut.json") << "{\"schema\": \"hciattest.doctor/2\", \"che";
  testing::CliOutcome r = testing::run_cli({"report", dir_.string(), "-o", "json"});
  EXPECT_EQ(r.code, kExitIncomplete) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["totals"]["machines"], 2);
  EXPECT_EQ(j["totals"]["skipped_files"], 1);
  EXPECT_NE(j["skipped"][0]["file"].get<std::string>().find("cut.json"), std::string::npos);
  EXPECT_NE(r.err.find("cut.json"), std::string::npos) << r.err;
}

TEST_F(ReportCommand, WritesEachFormatToOut) {
  write("a.json", "a", false);
  for (const char* format : {"text", "json", "csv", "junit", "html"}) {
    const fs::path out = dir_ / (std::string("view.") + format);
    testing::CliOutcome r =
        testing::run_cli({"report", (dir_ / "a.json").string(), "-o", format, "--out", out.string()});
    EXPECT_EQ(r.code, 1) << format << r.err;
    EXPECT_TRUE(r.out.empty()) << format;
    ASSERT_TRUE(fs::exists(out)) << format;
    EXPECT_GT(fs::file_size(out), 100u) << format;
  }
}

TEST_F(ReportCommand, UsageErrorsSayWhatToDo) {
  testing::CliOutcome missing = testing::run_cli({"report", (dir_ / "nope").string()});
  EXPECT_EQ(missing.code, kExitUsage);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  testing::CliOutcome empty = testing::run_cli({"report", (dir_ / "site-b").string()});
  EXPECT_EQ(empty.code, kExitUsage);
  EXPECT_NE(empty.err.find("hciattest doctor -o json"), std::string::npos) << empty.err;
  EXPECT_EQ(testing::run_cli({"report"}).code, kExitUsage);
  EXPECT_EQ(testing::run_cli({"report", dir_.string(), "-o", "xml"}).code, kExitUsage);
}

TEST_F(ReportCommand, AnOversizedFileIsSkippedNotRead) {
  write("a.json", "a", true);
  std::ofstream(dir_ / "huge.json") << std::string(5000, ' ');
  testing::CliOutcome r =
      testing::run_cli({"report", dir_.string(), "--max-bytes", "4096", "-o", "json"});
  EXPECT_EQ(r.code, kExitIncomplete) << r.err;
  EXPECT_NE(r.err.find("--max-bytes"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hciattest::cli
