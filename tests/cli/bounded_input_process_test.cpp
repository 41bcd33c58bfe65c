// The caps from the outside: the real hciattest binary in a child process, fed a 2 GiB sparse
// file, an endless standard input and an endless batch line. Each must end with its documented
// verdict, and the child's peak memory (its rusage) must stay near that of verifying one small
// document: before the caps, the sparse file took 2 GiB and the pipes never returned.
// Linux only (fork/exec, wait4); the Windows exe gets the same under Wine in
// tests/windows/exe_bounded_input_test.sh.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_pki.h"

namespace hciattest::cli {
namespace {

namespace fs = std::filesystem;

struct ChildOutcome {
  int exit_code = -1;
  std::string out;
  long peak_rss_kib = 0;
};

// Runs HCIATTEST_BIN with `args`; `feed` writes the child's standard input through the given
// descriptor until it returns or a write fails (the child stopped reading: EPIPE).
ChildOutcome run_child(const std::vector<std::string>& args, const fs::path& out_file,
                       const std::function<void(int)>& feed) {
  int in_pipe[2];
  if (::pipe(in_pipe) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    std::vector<char*> argv{const_cast<char*>(HCIATTEST_BIN)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(HCIATTEST_BIN, argv.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  std::thread writer([&] {
    if (feed) feed(in_pipe[1]);
    ::close(in_pipe[1]);
  });
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  writer.join();
  ChildOutcome r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.peak_rss_kib = usage.ru_maxrss;
  std::ifstream f(out_file, std::ios::binary);
  r.out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return r;
}

// Writes `chunk` `times` times (0: until a write fails).
bool write_repeated(int fd, const std::string& chunk, std::size_t times) {
  for (std::size_t i = 0; times == 0 || i < times; ++i) {
    std::size_t at = 0;
    while (at < chunk.size()) {
      const ssize_t n = ::write(fd, chunk.data() + at, chunk.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      at += static_cast<std::size_t>(n);
    }
  }
  return true;
}

class BoundedInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ::signal(SIGPIPE, SIG_IGN);  // the writer sees EPIPE when the child stops reading
    pki_ = new testing::Hierarchy(testing::make_hierarchy());
    dir_ = fs::temp_directory_path() / ("hciattest-bounded-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "root.pem", std::ios::binary) << pki_->root.pem();
    testing::SignSpec s;
    s.extra_certs = {&pki_->intermediate};
    doc_ = testing::envelope(testing::sign(testing::payload("1"), pki_->leaf, s));
    std::ofstream(dir_ / "doc.json", std::ios::binary) << doc_;
    // The baseline: one small genuine document, verified.
    ChildOutcome base = run_child(verify_args({(dir_ / "doc.json").string()}), dir_ / "base.out", {});
    ASSERT_EQ(base.exit_code, 0) << base.out;
    baseline_kib_ = base.peak_rss_kib;
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_);
    delete pki_;
  }
  static std::vector<std::string> verify_args(std::vector<std::string> extra) {
    std::vector<std::string> a{"verify", "--ca-file", (dir_ / "root.pem").string(), "--at",
                               "@" + std::to_string(testing::kTestNow)};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  // Peak memory may exceed the small document's run by the cap (64 KiB) and buffers; 8 MiB is
  // far below what reading any of these inputs whole would take.
  static void expect_bounded(const ChildOutcome& r) {
    EXPECT_LT(r.peak_rss_kib, baseline_kib_ + 8 * 1024)
        << "peak " << r.peak_rss_kib << " KiB against " << baseline_kib_ << " KiB for one document";
  }

  static testing::Hierarchy* pki_;
  static fs::path dir_;
  static std::string doc_;
  static long baseline_kib_;
};

testing::Hierarchy* BoundedInput::pki_ = nullptr;
fs::path BoundedInput::dir_;
std::string BoundedInput::doc_;
long BoundedInput::baseline_kib_ = 0;

TEST_F(BoundedInput, ATwoGigabyteSparseFileIsRejectedWithBoundedMemory) {
  const fs::path big = dir_ / "big.bin";
  std::ofstream(big, std::ios::binary).put('{');
  fs::resize_file(big, 2ull * 1024 * 1024 * 1024);
  ChildOutcome r = run_child(verify_args({big.string()}), dir_ / "big.out", {});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("envelope_too_large"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("65536-byte cap"), std::string::npos) << r.out;
  expect_bounded(r);
}

TEST_F(BoundedInput, AnEndlessStandardInputIsRejectedOncePastTheCap) {
  bool writer_stopped_by_the_reader = false;
  ChildOutcome r = run_child(verify_args({"-"}), dir_ / "stdin.out", [&](int fd) {
    writer_stopped_by_the_reader = !write_repeated(fd, std::string(4096, 'y'), 0);
  });
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("envelope_too_large"), std::string::npos) << r.out;
  EXPECT_TRUE(writer_stopped_by_the_reader);
  expect_bounded(r);
}

TEST_F(BoundedInput, AnEndlessBatchLineIsRejectedAndTheLineAfterItIsVerified) {
  // 512 MiB without a newline stands for "endless": reading it whole would take 512 MiB.
  ChildOutcome r = run_child(verify_args({"--batch", "-"}), dir_ / "batch.out", [&](int fd) {
    write_repeated(fd, std::string(1 << 20, 'y'), 512) && write_repeated(fd, "\n" + doc_ + "\n", 1);
  });
  EXPECT_EQ(r.exit_code, 1) << r.out;  // one line rejected
  std::istringstream out(r.out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(out, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0].rfind("line 1: REJECTED envelope_too_large", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("--max-bytes"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].rfind("line 2: verified", 0), 0u) << lines[1];
  expect_bounded(r);
}

}  // namespace
}  // namespace hciattest::cli
