// The caps from the outside: the real hciattest binary in a child process, fed a 2 GiB sparse
// file, an endless standard input and an endless batch line. Each must end with its documented
// verdict, and the child's peak memory (its rusage) must stay near that of verifying one small
// document: before the caps, the sparse file took 2 GiB and the pipes never returned.
// And the emulator (`hciattest emulate`): endless headers, a 2 GB body and HTTP/0.9 garbage are
// each refused with their status, its peak memory (VmHWM) staying put. Linux only (fork/exec, wait4); the Windows exe gets the same under Wine in
// tests/windows/exe_bounded_input_test.sh.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
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

// The emulator under hostile clients: one connection each, over loopback.
class HostileClients : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hciattest-hostile-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::mt19937 rng(std::random_device{}());
    for (int attempt = 0; attempt < 10 && pid_ <= 0; ++attempt) {
      port_ = static_cast<std::uint16_t>(std::uniform_int_distribution<int>(20000, 60000)(rng));
      const std::string root = (dir_ / "root.pem").string();
      const pid_t pid = ::fork();
      if (pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0), ::dup2(null, 1), ::dup2(null, 2);
        const std::string listen = "127.0.0.1:" + std::to_string(port_);
        ::execl(HCIATTEST_BIN, HCIATTEST_BIN, "emulate", "--listen", listen.c_str(), "--root-out",
                root.c_str(), "--quiet", static_cast<char*>(nullptr));
        ::_exit(127);
      }
      for (int i = 0; i < 100 && !fs::exists(root); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) break;  // the port was taken: try another
      }
      if (fs::exists(root)) pid_ = pid;
    }
    ASSERT_GT(pid_, 0) << "the emulator did not start";
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }
  int connect_to_emulator() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      ::close(fd);
      return -1;
    }
    const timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    return fd;
  }
  // Sends `head`, then `filler` up to `times` times or until the emulator stops taking it;
  // returns what it answered (its status line first) and how much of the filler went out.
  std::string exchange(const std::string& head, const std::string& filler, std::size_t times,
                       std::size_t* filler_sent = nullptr) const {
    const int fd = connect_to_emulator();
    if (fd < 0) return "(no connection)";
    write_repeated(fd, head, 1);
    std::size_t sent = 0;
    for (std::size_t i = 0; i < times && write_repeated(fd, filler, 1); ++i) sent += filler.size();
    if (filler_sent != nullptr) *filler_sent = sent;
    std::string answer;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof(buf), 0)) > 0;) answer.append(buf, n);
    ::close(fd);
    return answer;
  }
  long peak_kib() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
  }

  fs::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

const std::string kAttested =
    "GET /metadata/attested/document?api-version=2021-12-13&nonce=1234567890 HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\nMetadata: true\r\n";

TEST_F(HostileClients, AreRefusedWithTheirStatusAndTheEmulatorsMemoryStaysPut) {
  ::signal(SIGPIPE, SIG_IGN);
  const std::string good = kAttested + "Connection: close\r\n\r\n";
  const std::string first = exchange(good, "", 0);
  ASSERT_EQ(first.rfind("HTTP/1.1 200 OK", 0), 0u) << first.substr(0, 300);
  const long baseline = peak_kib();
  ASSERT_GT(baseline, 0);

  // Headers forever (256 MiB offered): 431 once past 16 KiB, and the rest is not taken.
  std::size_t sent = 0;
  std::string answer = exchange(kAttested, "X-Filler: " + std::string(1000, 'f') + "\r\n",
                                256 * 1024, &sent);
  EXPECT_EQ(answer.rfind("HTTP/1.1 431 ", 0), 0u) << answer.substr(0, 200);
  EXPECT_LT(sent, 64u * 1024 * 1024) << "the emulator kept reading headers";

  // A 2 GB body announced, 256 MiB of it offered: 413 before any of it is read.
  answer = exchange(kAttested + "Content-Length: 2147483648\r\n\r\n", std::string(1 << 20, 'b'),
                    256, &sent);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 ", 0), 0u) << answer.substr(0, 200);
  EXPECT_LT(sent, 64u * 1024 * 1024) << "the emulator kept reading the body";

  // HTTP/0.9 and garbage.
  EXPECT_EQ(exchange("GET /metadata/attested/document\r\n\r\n", "", 0).rfind("HTTP/1.1 400 ", 0),
            0u);
  EXPECT_EQ(exchange("\x16\x03\x01 hello\r\n\r\n", "", 0).rfind("HTTP/1.1 400 ", 0), 0u);

  EXPECT_LT(peak_kib(), baseline + 8 * 1024) << "baseline " << baseline << " KiB";
  // And it still serves.
  EXPECT_EQ(exchange(good, "", 0).rfind("HTTP/1.1 200 OK", 0), 0u);
}

}  // namespace
}  // namespace hciattest::cli
