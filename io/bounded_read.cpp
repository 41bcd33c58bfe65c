#include "io/bounded_read.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <limits>

namespace hciattest::io {
namespace {

// Large enough that a file is read in a few calls, small enough that a tiny cap does not
// allocate it.
constexpr std::size_t kChunk = 64 * 1024;

std::string os_error_text() {
  const int e = errno;
  return e != 0 ? std::string(std::strerror(e)) : std::string("unknown error");
}

}  // namespace

ReadResult read_at_most(std::istream& in, std::size_t cap) {
  ReadResult r;
  const std::size_t want = cap + 1;  // one byte past the cap tells "too large" from "exactly cap"
  std::streambuf* buf = in.rdbuf();
  while (buf != nullptr && r.bytes.size() < want) {
    const std::size_t at = r.bytes.size();
    const std::size_t n = std::min(kChunk, want - at);
    r.bytes.resize(at + n);
    std::streamsize got = 0;
    try {
      got = buf->sgetn(r.bytes.data() + at, static_cast<std::streamsize>(n));
    } catch (const std::exception& e) {  // a filebuf may throw on a device error
      r.bytes.resize(at);
      r.status = ReadStatus::kReadError;
      r.error = e.what();
      return r;
    }
    r.bytes.resize(at + static_cast<std::size_t>(std::max<std::streamsize>(got, 0)));
    if (got < static_cast<std::streamsize>(n)) break;  // end of input
  }
  if (r.bytes.size() > cap) r.status = ReadStatus::kOverCap;
  return r;
}

ReadResult read_file_at_most(const std::filesystem::path& path, std::size_t cap) {
  ReadResult r;
  // A folder opens as a stream on Linux (and fails at the first read), and fails to open on
  // Windows with "Permission denied": say what it is on both.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    r.status = ReadStatus::kCannotOpen;
    r.error = "it is a folder, not a file";
    return r;
  }
  errno = 0;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    r.status = ReadStatus::kCannotOpen;
    r.error = os_error_text();
    return r;
  }
  return read_at_most(f, cap);
}

std::string cap_text(std::size_t bytes) {
  constexpr std::size_t kKiB = 1024, kMiB = 1024 * 1024;
  const std::string exact = std::to_string(bytes) + " bytes";
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB (" + exact + ")";
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB (" + exact + ")";
  return exact;
}

std::string cap_message(std::string_view what, std::size_t cap, std::string_view raise) {
  std::string m(what);
  m += " is larger than ";
  m += cap_text(cap);
  m += ", the cap";
  if (!raise.empty()) {
    m += "; ";
    m += raise;
    m += " raises it";
  }
  return m;
}

LineReader::Status LineReader::next(std::string& line) {
  line.clear();
  if (skipping_) skip_rest_of_line();
  // istream::getline into a buffer of cap + 2 stores at most cap + 1 bytes (libstdc++ scans its
  // stream buffer with memchr: as fast as std::getline, which would store a line of any length).
  if (!buffer_) buffer_ = std::make_unique<char[]>(cap_ + 2);
  in_.getline(buffer_.get(), static_cast<std::streamsize>(cap_ + 2));
  const auto extracted = static_cast<std::size_t>(in_.gcount());
  const bool stopped_short = in_.fail();  // cap + 1 bytes stored and no '\n' yet (or no input)
  const bool at_end = in_.eof();
  if (stopped_short) in_.clear(in_.rdstate() & ~std::ios::failbit);
  if (extracted == 0 && stopped_short) return Status::kEnd;
  // The '\n' counts in `extracted` when it was taken: neither at the end nor stopped short.
  const std::size_t stored = (stopped_short || at_end) ? extracted : extracted - 1;
  line.assign(buffer_.get(), stored);
  ++line_number_;
  if (stored > cap_) {
    skipping_ = stopped_short;  // the rest of the line, if any, is still in the stream
    return Status::kOverCap;
  }
  return Status::kLine;
}

bool LineReader::more_buffered() const {
  std::streambuf* buf = in_.rdbuf();
  return buf != nullptr && buf->in_avail() > 0;
}

bool LineReader::read_failed() const { return in_.bad(); }

void LineReader::skip_rest_of_line() {
  skipping_ = false;
  // istream::ignore up to the delimiter discards without storing (libstdc++ scans its buffer
  // with memchr), so an endless line costs time, never memory.
  in_.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
}

}  // namespace hciattest::io
