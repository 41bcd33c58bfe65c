// Text in and out of hciattest is UTF-8 on every OS. On Windows the program starts from wmain:
// its UTF-16 arguments are converted once; standard output and error are written with
// WriteConsoleW when they are a console (so "イーサネット 2" shows right whatever the console's
// code page) and as UTF-8 bytes without a BOM when they are a pipe or a file. On Linux both are
// already UTF-8 and nothing is done (console_posix.cpp).
#pragma once

#include <cstddef>
#include <streambuf>
#include <string>
#include <string_view>

namespace hciattest::cli {

// Points std::cout and std::cerr at UTF-8-aware writers for the process's lifetime.
void use_utf8_console();

// Windows only (console_windows.cpp), declared here for its tests:

// The length of the longest prefix of `text` that does not end inside a UTF-8 sequence (a lead
// byte whose continuation bytes have not all arrived).
std::size_t complete_utf8_prefix(std::string_view text);

// A streambuf writing UTF-8 text to an OS handle (a Windows HANDLE): through WriteConsoleW when
// the handle is a console, byte for byte otherwise. On a console a UTF-8 sequence split across
// two writes is kept until it is whole, and invalid bytes show as U+FFFD instead of vanishing.
class Utf8HandleBuf : public std::streambuf {
 public:
  // Unbuffered: every write goes to the handle at once, so nothing waits for a flush.
  explicit Utf8HandleBuf(void* handle);
  bool is_console() const { return console_; }

 protected:
  int overflow(int ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;

 private:
  bool write_out(const char* s, std::size_t n);
  void* handle_;
  bool console_ = false;
  std::string pending_;  // an incomplete UTF-8 sequence (console only)
};

}  // namespace hciattest::cli
