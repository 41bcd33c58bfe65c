// Text in and out of hciattest is UTF-8 on every OS. On Windows the program starts from wmain:
// its UTF-16 arguments are converted once; standard output and error are written with
// WriteConsoleW when they are a console (so "イーサネット 2" shows right whatever the console's
// code page) and as UTF-8 bytes without a BOM when they are a pipe or a file. On Linux both are
// already UTF-8 and nothing is done (console_posix.cpp).
#pragma once

#include <memory>
#include <streambuf>
#include <string>
#include <vector>

namespace hciattest::cli {

// Points std::cout and std::cerr at UTF-8-aware writers for the process's lifetime.
void use_utf8_console();

// A streambuf writing UTF-8 text to an OS handle (a Windows HANDLE): through WriteConsoleW when
// the handle is a console, byte for byte otherwise. A UTF-8 sequence split across two writes is
// kept until it is whole. Windows only (console_windows.cpp).
class Utf8HandleBuf : public std::streambuf {
 public:
  explicit Utf8HandleBuf(void* handle);
  ~Utf8HandleBuf() override;
  bool is_console() const { return console_; }

 protected:
  int overflow(int ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool write_out(const char* s, std::size_t n);
  void* handle_;
  bool console_ = false;
  std::string pending_;  // an incomplete UTF-8 sequence (console only)
};

}  // namespace hciattest::cli
