// verify --batch --jobs N: the same bytes out as --jobs 1 for a batch that mixes genuine, forged
// and malformed lines; results in input order; bounded lines in flight. Also run under
// ThreadSanitizer (the linux-tsan preset runs this suite: BatchJobs*).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <streambuf>
#include <string>

#include "cli/batch_runner.h"
#include "cli/exit_codes.h"
#include "tests/cli/run_cli.h"
#include "tests/support/test_pki.h"

namespace hciattest::cli {
namespace {

namespace fs = std::filesystem;

class BatchJobs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new testing::Hierarchy(testing::make_hierarchy());
    other_ = new testing::Hierarchy(testing::make_hierarchy());
    dir_ = fs::temp_directory_path() / ("hciattest-jobs-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "root.pem", std::ios::binary) << pki_->root.pem();
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_);
    delete pki_;
    delete other_;
  }
  static std::string doc(const testing::Hierarchy& h, const std::string& nonce) {
    testing::SignSpec s;
    s.extra_certs = {&h.intermediate};
    return testing::envelope(testing::sign(testing::payload(nonce), h.leaf, s));
  }
  // 600 lines: genuine ones, a wrong nonce, an untrusted root, a damaged signature, JSON that is
  // not a document, garbage, an over-cap line and blank lines, in a repeating but uneven mix.
  static std::string mixed_batch() {
    const std::string genuine = doc(*pki_, "1");
    std::string damaged = genuine;
    damaged[damaged.size() / 2] = damaged[damaged.size() / 2] == 'A' ? 'B' : 'A';
    const std::string untrusted = doc(*other_, "1");
    std::string out;
    for (int i = 0; i < 600; ++i) {
      switch ((i * 7) % 11) {
        case 0: out += doc(*pki_, std::to_string(i)); break;
        case 1: out += damaged; break;
        case 2: out += untrusted; break;
        case 3: out += "{\"compute\":{}}"; break;
        case 4: out += "garbage line " + std::to_string(i); break;
        case 5: out += std::string(5000, 'y'); break;  // over --max-bytes 4096
        case 6: out += "   "; break;                    // blank: skipped
        case 7: {
          std::string with = genuine;
          with.insert(with.size() - 1, ",\"expected_nonce\":\"" + std::to_string(i % 3) + "\"");
          out += with;
          break;
        }
        default: out += genuine; break;
      }
      out += (i % 5 == 0) ? "\r\n" : "\n";
    }
    return out;
  }
  static testing::CliOutcome run(const std::string& jobs, const std::string& output,
                                 const std::string& input) {
    return testing::run_cli({"verify", "--batch", "-", "--jobs", jobs, "--ca-file",
                             (dir_ / "root.pem").string(), "--at",
                             "@" + std::to_string(testing::kTestNow), "--nonce", "1", "--max-bytes",
                             "4096", "-o", output},
                            input);
  }

  static testing::Hierarchy* pki_;
  static testing::Hierarchy* other_;
  static fs::path dir_;
};

testing::Hierarchy* BatchJobs::pki_ = nullptr;
testing::Hierarchy* BatchJobs::other_ = nullptr;
fs::path BatchJobs::dir_;

TEST_F(BatchJobs, FourWorkersWriteTheSameBytesAsOne) {
  const std::string batch = mixed_batch();
  for (const char* output : {"json", "text"}) {
    const testing::CliOutcome one = run("1", output, batch);
    const testing::CliOutcome four = run("4", output, batch);
    EXPECT_EQ(one.code, kExitFailed) << one.err;
    EXPECT_EQ(four.code, one.code);
    EXPECT_EQ(four.err, one.err);
    ASSERT_EQ(four.out, one.out) << output;
    // The batch really is mixed: both verdicts, and every line but the blank ones answered.
    EXPECT_EQ(one.err.rfind("0 verified", 0), std::string::npos) << one.err;
    EXPECT_EQ(one.err.find(", 0 rejected"), std::string::npos) << one.err;
    EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 600 - 600 / 11 - 1) << one.err;
  }
}

TEST_F(BatchJobs, ResultsKeepTheInputOrder) {
  std::string batch;
  for (int i = 0; i < 200; ++i) batch += doc(*pki_, std::to_string(1000 + i)) + "\n";
  const testing::CliOutcome r =
      testing::run_cli({"verify", "--batch", "-", "--jobs", "3", "--ca-file",
                        (dir_ / "root.pem").string(), "--at",
                        "@" + std::to_string(testing::kTestNow), "-o", "json"},
                       batch);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  std::istringstream out(r.out);
  int expected_line = 1;
  for (std::string line; std::getline(out, line); ++expected_line) {
    EXPECT_NE(line.find("\"line\":" + std::to_string(expected_line) + ","), std::string::npos) << line;
    EXPECT_NE(line.find("\"nonce\":\"" + std::to_string(999 + expected_line) + "\""),
              std::string::npos)
        << line;
  }
  EXPECT_EQ(expected_line, 201);
}

TEST_F(BatchJobs, AnEmptyBatchAndJobsWithoutBatch) {
  const testing::CliOutcome empty = run("4", "json", "");
  EXPECT_EQ(empty.code, kExitOk);
  EXPECT_TRUE(empty.out.empty());
  EXPECT_NE(empty.err.find("0 verified, 0 rejected"), std::string::npos) << empty.err;
  const testing::CliOutcome single = testing::run_cli({"verify", "--jobs", "2", "-"}, "{}");
  EXPECT_EQ(single.code, kExitUsage);
  EXPECT_NE(single.err.find("--jobs has no effect without --batch"), std::string::npos) << single.err;
  EXPECT_EQ(testing::run_cli({"verify", "--batch", "-", "--jobs", "0"}, "").code, kExitUsage);
}

// Lines, counted as they are handed out (read by the workers' render: atomic).
class CountingLines : public std::streambuf {
 public:
  explicit CountingLines(std::size_t total) : total_(total) {}
  std::size_t lines_out() const { return lines_out_; }

 protected:
  int_type underflow() override {
    if (lines_out_ >= total_) return traits_type::eof();
    line_ = "not a document " + std::to_string(lines_out_++) + "\n";
    setg(line_.data(), line_.data(), line_.data() + line_.size());
    return traits_type::to_int_type(line_[0]);
  }

 private:
  std::size_t total_;
  std::atomic<std::size_t> lines_out_{0};
  std::string line_;
};

// An output stream's buffer that counts its flushes (sync), from whatever thread.
class CountingFlushes : public std::streambuf {
 public:
  std::size_t flushes() const { return flushes_; }

 protected:
  int sync() override {
    ++flushes_;
    return 0;
  }

 private:
  std::atomic<std::size_t> flushes_{0};
};

TEST_F(BatchJobs, ReadingNeverFlushesTheStreamTheInputIsTiedTo) {
  // std::cin is tied to std::cout: had the workers kept the tie, the one cutting a chunk would
  // flush std::cout while another writes to it (a data race, seen as a result line written
  // twice). Here the input is tied to a stream that counts its flushes: none may come, with one
  // worker or two, and the tie is back after the batch.
  for (unsigned jobs : {1u, 2u}) {
    CountingFlushes flushes;
    std::ostream tied(&flushes);
    CountingLines source(200);
    std::istream in(&source);
    in.tie(&tied);
    io::LineReader reader(in, 4096);
    std::ostringstream out;
    const BatchCounts counts = run_batch(
        reader,
        [] {
          attest::VerifyOptions o;
          o.time = testing::kTestNow;
          return std::make_unique<attest::Verifier>(std::make_shared<attest::TrustStore>(), o);
        },
        jobs, [](std::size_t line, const attest::VerificationReport&) { return std::to_string(line); },
        out);
    EXPECT_EQ(counts.rejected, 200u) << "jobs " << jobs;
    EXPECT_EQ(flushes.flushes(), 0u) << "jobs " << jobs;
    EXPECT_EQ(in.tie(), &tied) << "jobs " << jobs;
  }
}

// A relying party that streams: it sends line k only once the answer to line k-1 is out (or gives
// up after 5 s, which fails the test: a worker waited for a fuller chunk or held the answer).
class Answers : public std::streambuf {
 public:
  bool wait_for(std::size_t lines) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return lines_ >= lines; });
  }

 protected:
  int_type overflow(int_type c) override {
    if (c == '\n') {
      std::lock_guard<std::mutex> lock(mutex_);
      ++lines_;
      cv_.notify_all();
    }
    return c;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t lines_ = 0;
};

class Conversation : public std::streambuf {
 public:
  Conversation(Answers& answers, std::size_t total) : answers_(answers), total_(total) {}
  std::size_t stalled_at() const { return stalled_at_; }

 protected:
  int_type underflow() override {
    if (sent_ >= total_ || stalled_at_ != 0) return traits_type::eof();
    if (!answers_.wait_for(sent_)) {
      stalled_at_ = sent_;  // no answer to line sent_ came
      return traits_type::eof();
    }
    line_ = "not a document " + std::to_string(++sent_) + "\n";
    setg(line_.data(), line_.data(), line_.data() + line_.size());
    return traits_type::to_int_type(line_[0]);
  }

 private:
  Answers& answers_;
  std::size_t total_;
  std::size_t sent_ = 0;
  std::size_t stalled_at_ = 0;
  std::string line_;
};

TEST_F(BatchJobs, AStreamingClientGetsEachAnswerBeforeItSendsTheNextLine) {
  constexpr std::size_t kTotal = 40;  // more than a chunk, so a worker that waited for one would stall
  Answers answers;
  std::ostream out(&answers);
  Conversation conversation(answers, kTotal);
  std::istream in(&conversation);
  io::LineReader reader(in, 4096);
  auto verifier = [&] {
    attest::VerifyOptions o;
    o.time = testing::kTestNow;
    return std::make_unique<attest::Verifier>(std::make_shared<attest::TrustStore>(), o);
  };
  const BatchCounts counts = run_batch(
      reader, verifier, 2, [](std::size_t line, const attest::VerificationReport&) {
        return std::to_string(line);
      },
      out);
  EXPECT_EQ(conversation.stalled_at(), 0u) << "no answer to line " << conversation.stalled_at();
  EXPECT_EQ(counts.rejected, kTotal);
}

TEST_F(BatchJobs, LinesInFlightStayWithinTheWindow) {
  // Each answer checks how far the reader is ahead of the writer: never more than the window
  // (kChunksPerJob chunks per worker, of kLinesPerChunk lines) plus the chunk being filled and
  // the chunks the workers hold.
  constexpr unsigned kJobs = 3;
  constexpr std::size_t kTotal = 20000;
  CountingLines source(kTotal);
  std::istream in(&source);
  io::LineReader reader(in, 4096);
  std::atomic<std::size_t> answered{0}, worst{0};
  std::ostringstream out;
  auto verifier = [&] {
    attest::VerifyOptions o;
    o.time = testing::kTestNow;
    return std::make_unique<attest::Verifier>(std::make_shared<attest::TrustStore>(), o);
  };
  const BatchCounts counts = run_batch(
      reader, verifier, kJobs,
      [&](std::size_t line, const attest::VerificationReport&) {
        const std::size_t before = answered++;  // lines answered before this one: all were read
        const std::size_t ahead = source.lines_out() - before;
        for (std::size_t w = worst; ahead > w && !worst.compare_exchange_weak(w, ahead);) {
        }
        return std::to_string(line);
      },
      out);
  EXPECT_EQ(counts.rejected, kTotal);
  EXPECT_EQ(counts.verified, 0u);
  EXPECT_LE(worst.load(), (kJobs * kChunksPerJob + kJobs + 2) * kLinesPerChunk);
  // And in order: the output is 1..kTotal.
  std::istringstream lines(out.str());
  std::size_t expected = 1;
  for (std::string l; std::getline(lines, l); ++expected) ASSERT_EQ(l, std::to_string(expected));
  EXPECT_EQ(expected, kTotal + 1);
}

}  // namespace
}  // namespace hciattest::cli
