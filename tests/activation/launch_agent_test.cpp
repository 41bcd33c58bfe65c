// Which AWS launch agent an AMI has (activation/launch_agent.h): the decision table, and the
// read-only probe over real folder layouts made in a temporary folder (on Linux and, in the mingw
// build, under Wine, where the paths are Windows paths), with the service and task answers faked.
#include "activation/launch_agent.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace hciattest::activation {
namespace {

namespace fs = std::filesystem;

class LaunchAgentLayout : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("hciattest-launch-agent-" + std::string(::testing::UnitTest::GetInstance()
                                                         ->current_test_info()
                                                         ->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "Program Files");
    fs::create_directories(root_ / "ProgramData");
  }
  void TearDown() override { fs::remove_all(root_); }

  void touch(const std::string& under, const std::string& relative) {
    fs::path p = root_ / under;
    std::string part;
    for (char c : relative + "\\") {
      if (c == '\\') {
        if (!part.empty()) p /= part;
        part.clear();
      } else {
        part += c;
      }
    }
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "x";
  }

  LaunchAgentProbe probe() {
    LaunchAgentSources s;
    s.program_files = (root_ / "Program Files").string();
    s.program_data = (root_ / "ProgramData").string();
    s.service = [this](const std::string& name) {
      hostcheck::Result<hostcheck::ServiceState> r;
      r.value = hostcheck::ServiceState{};
      r.value->exists = services_.count(name) != 0;
      return r;
    };
    s.task = [this](const std::string& folder, const std::string& name) {
      ImdsTaskState t;
      t.available = true;
      t.exists = task_ && folder == kEc2LaunchV1TaskFolder && name == kEc2LaunchV1TaskName;
      t.enabled = t.exists;
      return t;
    };
    return probe_launch_agent(s);
  }

  fs::path root_;
  std::set<std::string> services_;
  bool task_ = false;
};

TEST_F(LaunchAgentLayout, NothingInstalledIsNone) {
  const LaunchAgentVerdict v = classify_launch_agent(probe());
  EXPECT_EQ(v.agent, LaunchAgent::kNone);
  EXPECT_FALSE(v.routes_repair_themselves);
  EXPECT_NE(v.persistence.find("until the instance moves"), std::string::npos);
}

TEST_F(LaunchAgentLayout, Ec2LaunchV2ByItsProgramAndService) {
  touch("Program Files", "Amazon\\EC2Launch\\EC2Launch.exe");
  touch("ProgramData", "Amazon\\EC2Launch\\config\\agent-config.yml");
  services_ = {"EC2Launch"};
  const LaunchAgentProbe p = probe();
  EXPECT_EQ(p.v2_files.size(), 2u);
  EXPECT_TRUE(p.v2_service);
  const LaunchAgentVerdict v = classify_launch_agent(p);
  EXPECT_EQ(v.agent, LaunchAgent::kEc2LaunchV2);
  EXPECT_TRUE(v.routes_repair_themselves);
  EXPECT_NE(v.persistence.find("every boot"), std::string::npos);
  EXPECT_EQ(std::string(launch_agent_id(v.agent)), "ec2launch-v2");
}

TEST_F(LaunchAgentLayout, Ec2LaunchV1WithoutItsTaskDoesNotRepairItself) {
  touch("ProgramData", "Amazon\\EC2-Windows\\Launch\\Module\\Ec2Launch.psd1");
  touch("ProgramData", "Amazon\\EC2-Windows\\Launch\\Scripts\\InitializeInstance.ps1");
  const LaunchAgentVerdict v = classify_launch_agent(probe());
  EXPECT_EQ(v.agent, LaunchAgent::kEc2LaunchV1);
  EXPECT_FALSE(v.routes_repair_themselves);
  EXPECT_NE(v.persistence.find("InitializeInstance.ps1 -Schedule"), std::string::npos) << v.persistence;
  EXPECT_NE(v.persistence.find("EC2Launch v2"), std::string::npos);
  bool says_not_scheduled = false;
  for (const auto& e : v.evidence) says_not_scheduled |= e.find("not scheduled") != std::string::npos;
  EXPECT_TRUE(says_not_scheduled);
}

TEST_F(LaunchAgentLayout, Ec2LaunchV1WithItsTaskScheduled) {
  touch("ProgramData", "Amazon\\EC2-Windows\\Launch\\Config\\LaunchConfig.json");
  task_ = true;
  const LaunchAgentVerdict v = classify_launch_agent(probe());
  EXPECT_EQ(v.agent, LaunchAgent::kEc2LaunchV1);
  EXPECT_TRUE(v.routes_repair_themselves);
  EXPECT_NE(v.persistence.find("next boot"), std::string::npos);
}

TEST_F(LaunchAgentLayout, V2WinsOverV1sLeftovers) {
  touch("ProgramData", "Amazon\\EC2-Windows\\Launch\\Module\\Ec2Launch.psd1");
  touch("Program Files", "Amazon\\EC2Launch\\EC2Launch.exe");
  const LaunchAgentVerdict v = classify_launch_agent(probe());
  EXPECT_EQ(v.agent, LaunchAgent::kEc2LaunchV2);
  EXPECT_NE(v.summary.find("left over"), std::string::npos);
}

TEST_F(LaunchAgentLayout, Ec2ConfigByServiceAlone) {
  services_ = {"Ec2Config"};
  const LaunchAgentVerdict v = classify_launch_agent(probe());
  EXPECT_EQ(v.agent, LaunchAgent::kEc2Config);
  EXPECT_TRUE(v.routes_repair_themselves);
}

TEST_F(LaunchAgentLayout, Ec2ConfigByItsFiles) {
  touch("Program Files", "Amazon\\Ec2ConfigService\\Ec2Config.exe");
  touch("Program Files", "Amazon\\Ec2ConfigService\\Settings\\Config.xml");
  const LaunchAgentProbe p = probe();
  EXPECT_EQ(p.ec2config_files.size(), 2u);
  EXPECT_EQ(classify_launch_agent(p).agent, LaunchAgent::kEc2Config);
}

TEST(LaunchAgent, AServiceThatCannotBeAskedIsANoteNotAnAgent) {
  LaunchAgentSources s;
  s.service = [](const std::string& name) {
    hostcheck::Result<hostcheck::ServiceState> r;
    r.error = "OpenSCManager failed: Access is denied. (error 5)";
    (void)name;
    return r;
  };
  const LaunchAgentProbe p = probe_launch_agent(s);
  EXPECT_FALSE(p.v2_service);
  ASSERT_EQ(p.notes.size(), 2u);
  EXPECT_NE(p.notes[0].find("service EC2Launch: OpenSCManager failed"), std::string::npos);
  EXPECT_EQ(classify_launch_agent(p).agent, LaunchAgent::kNone);
}

}  // namespace
}  // namespace hciattest::activation
