#include "io/bounded_read.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace hciattest::io {
namespace {

namespace fs = std::filesystem;

// An endless input: `fill` repeated forever (or `limit` bytes of it, then `tail`), handed out
// 4 KiB at a time, counting what it handed out.
class Generator : public std::streambuf {
 public:
  explicit Generator(std::string fill, std::size_t limit = SIZE_MAX, std::string tail = "")
      : fill_(std::move(fill)), limit_(limit), tail_(std::move(tail)) {}
  std::size_t handed_out() const { return handed_; }

 protected:
  int_type underflow() override {
    chunk_.clear();
    while (chunk_.size() < 4096 && handed_ + chunk_.size() < limit_) {
      chunk_ += fill_[(handed_ + chunk_.size()) % fill_.size()];
    }
    if (chunk_.empty() && !tail_sent_) {
      chunk_ = tail_;
      tail_sent_ = true;
    }
    if (chunk_.empty()) return traits_type::eof();
    handed_ += chunk_.size();
    setg(chunk_.data(), chunk_.data(), chunk_.data() + chunk_.size());
    return traits_type::to_int_type(chunk_[0]);
  }

 private:
  std::string fill_;
  std::size_t limit_;
  std::string tail_;
  bool tail_sent_ = false;
  std::string chunk_;
  std::size_t handed_ = 0;
};

TEST(ReadAtMost, ReadsAnInputOfExactlyTheCapWhole) {
  std::istringstream in(std::string(100, 'a'));
  ReadResult r = read_at_most(in, 100);
  EXPECT_EQ(r.status, ReadStatus::kOk);
  EXPECT_EQ(r.bytes, std::string(100, 'a'));
}

TEST(ReadAtMost, StopsOneBytePastTheCapAndLeavesTheRestUnread) {
  std::istringstream in(std::string(100, 'a') + "bcdef");
  ReadResult r = read_at_most(in, 100);
  EXPECT_EQ(r.status, ReadStatus::kOverCap);
  EXPECT_EQ(r.bytes, std::string(100, 'a') + "b");
  std::string rest;
  in >> rest;
  EXPECT_EQ(rest, "cdef");
}

TEST(ReadAtMost, AnEmptyInputIsReadAsEmpty) {
  std::istringstream in("");
  ReadResult r = read_at_most(in, 10);
  EXPECT_EQ(r.status, ReadStatus::kOk);
  EXPECT_TRUE(r.bytes.empty());
}

TEST(ReadAtMost, ReturnsFromAnEndlessInputOncePastTheCap) {
  Generator gen("y\n");
  std::istream in(&gen);
  ReadResult r = read_at_most(in, 65536);
  EXPECT_EQ(r.status, ReadStatus::kOverCap);
  EXPECT_EQ(r.bytes.size(), 65537u);
  EXPECT_LE(gen.handed_out(), 65537u + 4096u);
}

class ReadFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hciattest-io-" + std::to_string(std::hash<std::string>{}(
                                  ::testing::UnitTest::GetInstance()->current_test_info()->name())));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ReadFile, ReadsASmallFileWhole) {
  std::ofstream(dir_ / "doc.json", std::ios::binary) << "{\"a\":1}\r\n";
  ReadResult r = read_file_at_most(dir_ / "doc.json", 1024);
  EXPECT_EQ(r.status, ReadStatus::kOk);
  EXPECT_EQ(r.bytes, "{\"a\":1}\r\n");  // binary: the CR stays
}

TEST_F(ReadFile, ReadsOnlyTheCapOfATwoGigabyteSparseFile) {
  const fs::path big = dir_ / "big.bin";
  std::ofstream(big, std::ios::binary).put('x');
  fs::resize_file(big, 2ull * 1024 * 1024 * 1024);  // sparse: no disk, 2 GiB to a reader
  ReadResult r = read_file_at_most(big, 65536);
  EXPECT_EQ(r.status, ReadStatus::kOverCap);
  ASSERT_EQ(r.bytes.size(), 65537u);
  EXPECT_EQ(r.bytes[0], 'x');
  EXPECT_EQ(r.bytes[1], '\0');
}

TEST_F(ReadFile, AMissingFileSaysWhy) {
  ReadResult r = read_file_at_most(dir_ / "absent.pem", 1024);
  EXPECT_EQ(r.status, ReadStatus::kCannotOpen);
  EXPECT_FALSE(r.error.empty());
}

TEST_F(ReadFile, AFolderIsNotReadAsAnEmptyFile) {
  ReadResult r = read_file_at_most(dir_, 1024);
  EXPECT_EQ(r.status, ReadStatus::kCannotOpen);
  EXPECT_NE(r.error.find("folder"), std::string::npos) << r.error;
}

TEST(CapMessage, NamesTheInputTheCapAndTheOptionThatRaisesIt) {
  EXPECT_EQ(cap_message("the document", 65536, "--max-bytes (up to 16 MiB)"),
            "the document is larger than 64 KiB (65536 bytes), the cap; --max-bytes (up to 16 MiB) "
            "raises it");
  EXPECT_EQ(cap_message("--ca-file \"a.pem\"", 1024 * 1024, ""),
            "--ca-file \"a.pem\" is larger than 1 MiB (1048576 bytes), the cap");
  EXPECT_EQ(cap_text(1000), "1000 bytes");
}

TEST(LineReader, ReadsLinesAndTheirNumbers) {
  std::istringstream in("one\r\n\nthree");
  LineReader reader(in, 10);
  std::string line;
  ASSERT_EQ(reader.next(line), LineReader::Status::kLine);
  EXPECT_EQ(line, "one\r");  // the caller decides about CR
  EXPECT_EQ(reader.line_number(), 1u);
  ASSERT_EQ(reader.next(line), LineReader::Status::kLine);
  EXPECT_EQ(line, "");
  ASSERT_EQ(reader.next(line), LineReader::Status::kLine);
  EXPECT_EQ(line, "three");  // the last line needs no newline
  EXPECT_EQ(reader.line_number(), 3u);
  EXPECT_EQ(reader.next(line), LineReader::Status::kEnd);
  EXPECT_EQ(reader.next(line), LineReader::Status::kEnd);
}

TEST(LineReader, ALineOfExactlyTheCapIsALine) {
  std::istringstream in(std::string(10, 'a') + "\n" + std::string(10, 'b'));
  LineReader reader(in, 10);
  std::string line;
  EXPECT_EQ(reader.next(line), LineReader::Status::kLine);
  EXPECT_EQ(line, std::string(10, 'a'));
  EXPECT_EQ(reader.next(line), LineReader::Status::kLine);
  EXPECT_EQ(line, std::string(10, 'b'));
}

TEST(LineReader, ALongerLineIsOverTheCapAndTheNextLineIsStillRead) {
  std::istringstream in("ok\n" + std::string(11, 'a') + "\n" + std::string(500, 'b') + "\nlast\n");
  LineReader reader(in, 10);
  std::string line;
  EXPECT_EQ(reader.next(line), LineReader::Status::kLine);
  ASSERT_EQ(reader.next(line), LineReader::Status::kOverCap);
  EXPECT_EQ(line, std::string(11, 'a'));
  EXPECT_EQ(reader.line_number(), 2u);
  ASSERT_EQ(reader.next(line), LineReader::Status::kOverCap);
  EXPECT_EQ(line, std::string(11, 'b'));
  EXPECT_EQ(reader.line_number(), 3u);
  ASSERT_EQ(reader.next(line), LineReader::Status::kLine);
  EXPECT_EQ(line, "last");
  EXPECT_EQ(reader.line_number(), 4u);
  EXPECT_EQ(reader.next(line), LineReader::Status::kEnd);
}

TEST(LineReader, ALineOfOneBytePastTheCapDoesNotSwallowTheNextLine) {
  // The newline right after cap + 1 bytes is taken with them: nothing is left to skip.
  std::istringstream in(std::string(11, 'a') + "\nnext\n" + std::string(11, 'b'));
  LineReader reader(in, 10);
  std::string line;
  EXPECT_EQ(reader.next(line), LineReader::Status::kOverCap);
  ASSERT_EQ(reader.next(line), LineReader::Status::kLine);
  EXPECT_EQ(line, "next");
  EXPECT_EQ(reader.next(line), LineReader::Status::kOverCap);  // and at the very end
  EXPECT_EQ(reader.line_number(), 3u);
  EXPECT_EQ(reader.next(line), LineReader::Status::kEnd);
}

TEST(LineReader, SkipsAHugeLineWithoutKeepingIt) {
  // 64 MiB without a newline, then a short line: the reader reports the long one at once and
  // skips it; its buffer never grows past the cap.
  Generator gen("y", 64u * 1024 * 1024, "\nnext\n");
  std::istream in(&gen);
  LineReader reader(in, 4096);
  std::string line;
  ASSERT_EQ(reader.next(line), LineReader::Status::kOverCap);
  EXPECT_EQ(line.size(), 4097u);
  EXPECT_LE(gen.handed_out(), 4097u + 4096u);  // reported before the rest arrived
  ASSERT_EQ(reader.next(line), LineReader::Status::kLine);
  EXPECT_EQ(line, "next");
  EXPECT_EQ(reader.line_number(), 2u);
  EXPECT_LT(line.capacity(), 2u * 4097u);
  EXPECT_EQ(reader.next(line), LineReader::Status::kEnd);
}

// One line, then a read error (as filebuf throws for EIO or a folder).
class FailingAfterOneLine : public std::streambuf {
 protected:
  int_type underflow() override {
    if (served_) throw std::ios_base::failure("read error");
    served_ = true;
    setg(line_, line_, line_ + 2);
    return traits_type::to_int_type(line_[0]);
  }

 private:
  char line_[2] = {'a', '\n'};
  bool served_ = false;
};

TEST(LineReader, TellsAReadErrorFromTheEnd) {
  FailingAfterOneLine failing;
  std::istream in(&failing);
  LineReader reader(in, 10);
  std::string line;
  ASSERT_EQ(reader.next(line), LineReader::Status::kLine);
  EXPECT_FALSE(reader.read_failed());
  EXPECT_EQ(reader.next(line), LineReader::Status::kEnd);
  EXPECT_TRUE(reader.read_failed());

  std::istringstream fine("a\n");
  LineReader ok(fine, 10);
  while (ok.next(line) != LineReader::Status::kEnd) {
  }
  EXPECT_FALSE(ok.read_failed());
}

}  // namespace
}  // namespace hciattest::io
