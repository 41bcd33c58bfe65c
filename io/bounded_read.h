// Reading bytes that come from outside the tool (files, pipes, standard input) under a cap.
//
// Every reader here takes at most `cap + 1` bytes and stops: one byte past the cap is how it
// knows the input is too large, so no input, however large or endless (a 2 GB sparse file,
// `yes |`), makes the tool allocate more than its cap or wait for an end that never comes.
// Callers turn an over-cap result into their own error with cap_message(), which names the cap
// and the option that raises it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

namespace hciattest::io {

enum class ReadStatus {
  kOk,          // `bytes` is the whole input (at most `cap` bytes)
  kOverCap,     // the input is larger than `cap`: `bytes` holds its first cap + 1 bytes
  kCannotOpen,  // the file could not be opened: `error` says why (the OS's text)
  kReadError,   // reading failed part way: `error` says why; `bytes` is what was read
};

struct ReadResult {
  ReadStatus status = ReadStatus::kOk;
  std::string bytes;
  std::string error;
};

// Reads `in` to its end or to cap + 1 bytes, whichever comes first. Does not read beyond that:
// a pipe's writer sees its reader go away, an endless stream is left where it stands.
ReadResult read_at_most(std::istream& in, std::size_t cap);

// The same for a file, opened in binary mode (a wide path on Windows: give a path made with
// std::filesystem::u8path from UTF-8 text).
ReadResult read_file_at_most(const std::filesystem::path& path, std::size_t cap);

// "the document is larger than 64 KiB (65536 bytes), the cap; --max-bytes raises it (up to
// 16 MiB)". `what` names the input ("--ca-file \"ca.pem\""), `raise` the option that raises the
// cap with its range, or is empty when nothing does.
std::string cap_message(std::string_view what, std::size_t cap, std::string_view raise);

// "65536 bytes" or "1 MiB (1048576 bytes)": a cap as a person reads it.
std::string cap_text(std::size_t bytes);

// Reads lines ('\n'-terminated; a trailing '\r' is kept, the caller decides) of at most `cap`
// bytes each. A longer line is reported as over the cap, with its first cap + 1 bytes; the next
// call to next() first skips the rest of that line, storing none of it, so the
// caller can report the long line before its end arrives, and the lines after it are read as
// usual. The last line needs no '\n'.
class LineReader {
 public:
  enum class Status { kLine, kOverCap, kEnd };

  LineReader(std::istream& in, std::size_t cap) : in_(in), cap_(cap) {}

  // kLine: `line` is the next line without its '\n'. kOverCap: `line` is the first cap + 1
  // bytes of a longer line. kEnd: no more input (`line` empty).
  Status next(std::string& line);

  // The number of the line next() returned last, from 1.
  std::size_t line_number() const { return line_number_; }

  // True when the stream already holds more input, so that next() would not wait for it (the
  // stream's buffer, or what the OS says is ready: streambuf::in_avail).
  bool more_buffered() const;

  // True when reading failed (a device error, or a folder opened as a file): kEnd then means
  // "stopped", not "no more input", and the caller must say so.
  bool read_failed() const;

  // The stream read from (run_batch undoes its tie to an output stream while workers read it).
  std::istream& stream() const { return in_; }

 private:
  void skip_rest_of_line();

  std::istream& in_;
  std::size_t cap_;
  std::unique_ptr<char[]> buffer_;  // cap + 2 bytes, made at the first line
  std::size_t line_number_ = 0;
  bool skipping_ = false;
};

}  // namespace hciattest::io
