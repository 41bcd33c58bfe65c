// Every emulator fault against `attest` and `doctor`, in one table: the verdict, the error code
// and the exit code each gives (docs/user-guide.md, "What each fault gives"). The emulator runs
// on 127.0.0.1 over real HTTP; the commands run in-process with the real transport and clock.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "cli/exit_codes.h"
#include "tests/cli/run_cli.h"
#include "tests/support/emulator_fixture.h"

namespace hciattest::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct FaultRow {
  const char* name;
  void (*set)(emulator::Faults&);
  int attest_exit;
  const char* attest_code;      // the verification's code, or "fetch_failed"
  const char* doctor_reachable;  // imds-reachable: pass / fail
  const char* doctor_document;   // attested-document: pass / fail / skip
};

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A PKI valid now: `doctor` verifies at the real time.
std::shared_ptr<const emulator::SigningPki> pki_for_now() {
  static const auto pki = std::make_shared<const emulator::SigningPki>(
      emulator::SigningPki::generate("metadata.azure.com", now_seconds()));
  return pki;
}

class FaultTable : public ::testing::TestWithParam<FaultRow> {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() /
                         ("hciattest-fault-root-" + std::to_string(::getpid()) + ".pem"));
    std::ofstream(*root_) << pki_for_now()->root_pem();
  }
  static void TearDownTestSuite() {
    fs::remove(*root_);
    delete root_;
  }
  static fs::path* root_;
};
fs::path* FaultTable::root_ = nullptr;

std::string check_status(const json& report, const std::string& id) {
  for (const auto& c : report["checks"]) {
    if (c["id"] == id) return c["status"];
  }
  return "missing";
}

TEST_P(FaultTable, AttestAndDoctorGiveTheDocumentedVerdict) {
  const FaultRow& row = GetParam();
  emulator::Faults faults;
  row.set(faults);
  // A fresh emulator for each command, with real clocks: the commands really sleep (Retry-After,
  // backoff), and one command's requests do not change what the other sees.
  testing::RunningEmulator emu =
      testing::start_emulator(faults, now_seconds(), pki_for_now(), /*real_steady_clock=*/true);
  testing::RunningEmulator emu2 =
      testing::start_emulator(faults, now_seconds(), pki_for_now(), /*real_steady_clock=*/true);

  testing::CliOutcome a = testing::run_cli({"attest", "--endpoint", emu.url, "--ca-file",
                                            root_->string(), "--timeout", "4", "-o", "json"});
  const json aj = json::parse(a.out, nullptr, false);
  ASSERT_FALSE(aj.is_discarded()) << a.out << a.err;
  const std::string code = aj["verification"].is_object()
                               ? aj["verification"]["code"].get<std::string>()
                               : std::string("fetch_failed");
  EXPECT_EQ(a.code, row.attest_exit) << a.out;
  EXPECT_EQ(code, row.attest_code) << a.out;
  EXPECT_EQ(aj["verified"], row.attest_exit == kExitOk) << a.out;

  testing::CliOutcome d = testing::run_cli({"doctor", "--endpoint", emu2.url, "--ca-file",
                                            root_->string(), "--timeout", "4", "-o", "json"});
  const json dj = json::parse(d.out, nullptr, false);
  ASSERT_FALSE(dj.is_discarded()) << d.out << d.err;
  EXPECT_EQ(check_status(dj, "imds-reachable"), row.doctor_reachable) << d.out;
  EXPECT_EQ(check_status(dj, "attested-document"), row.doctor_document) << d.out;
  // The rest of the doctor's checks read this machine: its exit code follows its own verdict,
  // and is 1 whenever the fault made a check fail.
  const std::string verdict = dj["verdict"];
  EXPECT_EQ(d.code, verdict == "failures" ? kExitFailed : verdict == "warnings" ? kExitWarnings
                                                                                : kExitOk)
      << verdict;
  if (std::string(row.doctor_reachable) == "fail" || std::string(row.doctor_document) == "fail") {
    EXPECT_EQ(d.code, kExitFailed);
  }
}

// IMDS's cache: an attested document can come back with an earlier request's nonce. `attest` and
// `doctor` both fetch once more and say so; the emulator's cache is always one request behind,
// so the second answer is stale too and both reject it alike (nonce_mismatch, with the note).
TEST(FaultTableCache, AttestAndDoctorFetchOnceMoreOnAStaleNonceAndSaySo) {
  emulator::Faults faults;
  faults.stale_nonce = true;
  const fs::path root = fs::temp_directory_path() /
                        ("hciattest-cache-root-" + std::to_string(::getpid()) + ".pem");
  std::ofstream(root) << pki_for_now()->root_pem();
  for (const char* command : {"attest", "doctor"}) {
    testing::RunningEmulator emu =
        testing::start_emulator(faults, now_seconds(), pki_for_now(), /*real_steady_clock=*/true);
    ASSERT_EQ(testing::run_cli({"fetch", "--endpoint", emu.url}).code, kExitOk);  // the cache
    testing::CliOutcome r = testing::run_cli(
        {command, "--endpoint", emu.url, "--ca-file", root.string(), "-o", "json"});
    EXPECT_EQ(r.code, kExitFailed) << command;
    EXPECT_NE(r.out.find("stale nonce (IMDS cache); fetched once more"), std::string::npos)
        << command << r.out;
    EXPECT_NE(r.out.find("nonce_mismatch"), std::string::npos) << command << r.out;
    const json j = json::parse(r.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.out;
    if (std::string(command) == "doctor") {
      EXPECT_EQ(check_status(j, "attested-document"), "fail");
    } else {
      EXPECT_EQ(j["fetch"]["attempts"].size(), 2u) << r.out;
    }
  }
  fs::remove(root);
}

void none(emulator::Faults&) {}

INSTANTIATE_TEST_SUITE_P(
    Emulator, FaultTable,
    ::testing::Values(
        FaultRow{"none", none, 0, "ok", "pass", "pass"},
        FaultRow{"boot_410_for_1s", [](emulator::Faults& f) { f.boot_410_seconds = 1; }, 0, "ok", "pass", "pass"},
        FaultRow{"boot_410_for_an_hour", [](emulator::Faults& f) { f.boot_410_seconds = 3600; }, 1, "fetch_failed", "fail", "skip"},
        FaultRow{"rate_limit", [](emulator::Faults& f) { f.rate_limit_rps = 1; }, 0, "ok", "pass", "pass"},
        FaultRow{"fail_every_1", [](emulator::Faults& f) { f.fail_every = 1; }, 1, "fetch_failed", "fail", "skip"},
        FaultRow{"fail_every_2", [](emulator::Faults& f) { f.fail_every = 2; }, 0, "ok", "pass", "pass"},
        FaultRow{"delay", [](emulator::Faults& f) { f.delay_ms = 300; }, 0, "ok", "pass", "pass"},
        FaultRow{"drip", [](emulator::Faults& f) { f.drip = true; }, 0, "ok", "pass", "pass"},
        FaultRow{"oversize", [](emulator::Faults& f) { f.oversize = true; }, 1, "fetch_failed", "fail", "skip"},
        FaultRow{"malformed_json", [](emulator::Faults& f) { f.malformed = "json"; }, 1, "fetch_failed", "fail", "skip"},
        FaultRow{"malformed_base64", [](emulator::Faults& f) { f.malformed = "base64"; }, 1, "envelope_bad_base64", "pass", "fail"},
        FaultRow{"malformed_pkcs7", [](emulator::Faults& f) { f.malformed = "pkcs7"; }, 1, "pkcs7_malformed", "pass", "fail"},
        FaultRow{"wrong_signer", [](emulator::Faults& f) { f.wrong_signer = true; }, 1, "signer_name_mismatch", "pass", "fail"},
        FaultRow{"expired", [](emulator::Faults& f) { f.expired = true; }, 1, "chain_cert_expired", "pass", "fail"},
        FaultRow{"reset", [](emulator::Faults& f) { f.reset = true; }, 1, "fetch_failed", "fail", "skip"},
        FaultRow{"stale_nonce", [](emulator::Faults& f) { f.stale_nonce = true; }, 0, "ok", "pass", "pass"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace hciattest::cli
