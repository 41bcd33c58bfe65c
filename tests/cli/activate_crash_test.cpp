// `activate --apply` killed at every crash point (tests/cli/activate_crash_child.cpp: before the
// first journal write, around every change and inside the changes Windows makes in two writes,
// after every re-read), then `--undo` of the journal it left: the machine's settings must be
// exactly what they were. Also: resuming after the kill with a new journal and undoing both,
// apply twice, undo twice, a second apply refused on the first one's journal, and a journal cut
// short inside its last entry. Real processes and a real SIGKILL (TerminateProcess under Wine).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"

namespace hciattest::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// What undo promises to give back: every setting. Whether Windows is activated is an outcome, not
// a setting: undo leaves it (apply.h), so it is left out of the comparison.
json settings(json state) {
  state.erase("licensed");
  // A route table is a set: undo may put a route back in another place in it.
  auto& routes = state["routes"];
  std::sort(routes.begin(), routes.end(), [](const json& a, const json& b) { return a.dump() < b.dump(); });
  return state;
}

json aws_machine() {
  // EC2Launch v1's stale host routes to the KMS addresses, via the gateway of the subnet the AMI
  // was made in; the instance now lives behind 172.31.32.1.
  auto route = [](const char* dst, int prefix, const char* gw) {
    return json{{"destination", dst}, {"prefix", prefix}, {"gateway", gw}, {"interface", "Ethernet"},
                {"index", 6}, {"metric", 15}, {"active", true}, {"persistent", true}};
  };
  return {{"scenario", "aws"}, {"channel", "VOLUME_KMSCLIENT"}, {"partial_key", "WMDJT"},
          {"licensed", false}, {"kms_host", "kms.old.example"}, {"kms_port", 1700},
          {"task_enabled", false},
          {"routes", json::array({route("0.0.0.0", 0, "172.31.32.1"),
                                  route("169.254.169.250", 32, "172.31.0.1"),
                                  route("169.254.169.251", 32, "172.31.0.1")})}};
}

json hci_machine() {
  return {{"scenario", "hci"}, {"channel", "VOLUME_KMSCLIENT"}, {"partial_key", "6VM33"},
          {"licensed", false}, {"kms_host", ""}, {"kms_port", 0}, {"task_enabled", false},
          {"routes", json::array()}};
}

std::string native(const fs::path& p) {
#ifdef _WIN32
  // The test runs under Wine with Unix paths from CMake: Z: is the root.
  std::string s = p.string();
  if (!s.empty() && s[0] == '/') s = "Z:" + s;
  for (auto& c : s) {
    if (c == '/') c = '\\';
  }
  return s;
#else
  return p.string();
#endif
}

class ActivateCrash : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    // One folder per test (ctest runs them side by side, each in its own process).
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '-');
    dir_ = fs::temp_directory_path() / ("hciattest-crash-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    initial_ = std::string(GetParam()) == "aws" ? aws_machine() : hci_machine();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void reset() {
    for (const auto& e : fs::directory_iterator(dir_)) fs::remove(e.path());
    std::ofstream(dir_ / "state.json") << initial_.dump(2);
  }
  json state() const {
    std::ifstream f(dir_ / "state.json");
    return json::parse(f);
  }
  ChildExit child(const std::string& journal, const char* mode, int crash_at) {
    return run_child(native(HCIATTEST_CRASH_CHILD),
                     {GetParam(), native(dir_ / "state.json"), native(dir_ / journal), mode,
                      std::to_string(crash_at), native(dir_ / "count.txt")});
  }
  int exits(const std::string& journal, const char* mode) {
    const ChildExit e = child(journal, mode, 0);
    EXPECT_TRUE(e.started) << e.error;
    EXPECT_FALSE(e.killed);
    return e.code;
  }

  fs::path dir_;
  json initial_;
};

TEST_P(ActivateCrash, KilledAtEveryPointUndoRestoresEverySetting) {
  reset();
  ASSERT_EQ(exits("j1.json", "apply"), 0) << "the uninterrupted apply activates";
  int points = 0;
  std::ifstream(dir_ / "count.txt") >> points;
  ASSERT_GT(points, 4);
  EXPECT_TRUE(state().at("licensed").get<bool>());
  EXPECT_NE(settings(state()), settings(initial_)) << "the apply changed nothing to undo";

  for (int k = 1; k <= points; ++k) {
    SCOPED_TRACE("killed at crash point " + std::to_string(k) + " of " + std::to_string(points));
    reset();
    const ChildExit e = child("j1.json", "apply", k);
    ASSERT_TRUE(e.killed) << "exit " << e.code << " " << e.error;
    if (!fs::exists(dir_ / "j1.json")) {
      // Killed before the first journal write: nothing may have changed.
      EXPECT_EQ(settings(state()), settings(initial_));
      continue;
    }
    const json after_kill = state();
    // Resuming with a new journal finishes the job; undoing both, newest first, restores all.
    ASSERT_EQ(exits("j2.json", "apply"), 0);
    EXPECT_TRUE(state().at("licensed").get<bool>());
    if (fs::exists(dir_ / "j2.json")) {
      ASSERT_EQ(exits("j2.json", "undo"), 0);
    }
    ASSERT_EQ(exits("j1.json", "undo"), 0);
    EXPECT_EQ(settings(state()), settings(initial_));

    // And straight from the kill: undo alone restores, and a second undo changes nothing.
    std::ofstream(dir_ / "state.json") << after_kill.dump(2);
    ASSERT_EQ(exits("j1.json", "undo"), 0);
    EXPECT_EQ(settings(state()), settings(initial_));
    ASSERT_EQ(exits("j1.json", "undo"), 0);
    EXPECT_EQ(settings(state()), settings(initial_));
  }
}

TEST_P(ActivateCrash, ApplyTwiceKeepsTheFirstJournalAndUndoTwiceIsHarmless) {
  reset();
  ASSERT_EQ(exits("j1.json", "apply"), 0);
  std::ifstream f1(dir_ / "j1.json");
  const std::string journal = std::string(std::istreambuf_iterator<char>(f1), {});
  // Activated: the second apply has nothing to change and writes no journal.
  ASSERT_EQ(exits("j2.json", "apply"), 0);
  EXPECT_FALSE(fs::exists(dir_ / "j2.json"));
  // Not activated again (say the licence lapsed): a second apply onto the first one's journal is
  // refused before any change, and that journal is left as it was.
  json lapsed = state();
  lapsed["licensed"] = false;
  lapsed["task_enabled"] = false;  // HCI: the task's step must journal again
  lapsed["kms_host"] = "kms.other.example";  // AWS: the KMS host's step must journal again
  std::ofstream(dir_ / "state.json") << lapsed.dump(2);
  EXPECT_EQ(exits("j1.json", "apply"), 1);
  EXPECT_EQ(state(), lapsed);
  std::ifstream f2(dir_ / "j1.json");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(f2), {}), journal);
  // The first journal still undoes the first apply's changes, twice over.
  ASSERT_EQ(exits("j1.json", "undo"), 0);
  const json once = state();
  ASSERT_EQ(exits("j1.json", "undo"), 0);
  EXPECT_EQ(state(), once);
}

TEST_P(ActivateCrash, AJournalCutInsideItsLastEntryIsRefusedByNameAndNothingChanges) {
  reset();
  ASSERT_EQ(exits("j1.json", "apply"), 0);
  std::ifstream f(dir_ / "j1.json");
  const std::string whole = std::string(std::istreambuf_iterator<char>(f), {});
  const json parsed = json::parse(whole);
  const std::size_t last = parsed.at("entries").size() - 1;
  const std::string kind = parsed["entries"][last].at("kind");
  const std::string title = parsed["entries"][last].at("title");
  // Cut just after the last entry's title (its last key), before the entry's closing brace.
  const std::size_t at = whole.rfind(json(title).dump());
  ASSERT_NE(at, std::string::npos);
  std::ofstream(dir_ / "cut.json", std::ios::binary | std::ios::trunc)
      << whole.substr(0, at + json(title).dump().size());
  const json before = state();
  EXPECT_EQ(exits("cut.json", "undo"), 2);
  EXPECT_EQ(state(), before);
  std::ifstream e(dir_ / "count.txt.err");
  const std::string err = std::string(std::istreambuf_iterator<char>(e), {});
  const std::string named = "stops inside entry " + std::to_string(last) + " (entries[" +
                            std::to_string(last) + "], " + kind + ": \"" + title + "\")";
  EXPECT_NE(err.find(named), std::string::npos) << err;
  EXPECT_NE(err.find("cut short"), std::string::npos) << err;
  EXPECT_NE(err.find("nothing was changed"), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(Machines, ActivateCrash, ::testing::Values("aws", "hci"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace hciattest::testing
