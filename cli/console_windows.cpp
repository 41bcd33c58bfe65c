#include "cli/console.h"

#include <windows.h>

#include <iostream>
#include <string>

namespace hciattest::cli {
namespace {

// UTF-16 for the console. Not hostcheck's utf16(), which gives "" for invalid UTF-8: text that
// reaches the console must not vanish, so invalid bytes become U+FFFD here.
std::wstring console_text(std::string_view text) {
  if (text.empty()) return {};
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()),
                                      nullptr, 0);
  if (n <= 0) return {};
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n);
  return out;
}

}  // namespace

std::size_t complete_utf8_prefix(std::string_view text) {
  std::size_t i = text.size();
  std::size_t back = 0;  // continuation bytes seen from the end
  while (i > 0 && back < 4) {
    const auto c = static_cast<unsigned char>(text[i - 1]);
    if ((c & 0xC0) != 0x80) {  // a lead byte (or ASCII): is its sequence complete?
      const std::size_t need = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3
                               : (c >> 3) == 0x1E ? 4 : 1;
      return back + 1 >= need ? text.size() : i - 1;
    }
    --i;
    ++back;
  }
  return text.size();
}

Utf8HandleBuf::Utf8HandleBuf(void* handle) : handle_(handle) {
  DWORD mode = 0;
  console_ = handle != nullptr && handle != INVALID_HANDLE_VALUE &&
             GetConsoleMode(static_cast<HANDLE>(handle), &mode) != 0;
}

bool Utf8HandleBuf::write_out(const char* s, std::size_t n) {
  if (!console_) {
    while (n > 0) {
      DWORD written = 0;
      const DWORD chunk = n > 1u << 20 ? 1u << 20 : static_cast<DWORD>(n);
      if (!WriteFile(static_cast<HANDLE>(handle_), s, chunk, &written, nullptr) || written == 0) {
        return false;
      }
      s += written;
      n -= written;
    }
    return true;
  }
  pending_.append(s, n);
  const std::size_t whole = complete_utf8_prefix(pending_);
  const std::wstring wide = console_text(std::string_view(pending_).substr(0, whole));
  pending_.erase(0, whole);
  const wchar_t* p = wide.data();
  std::size_t left = wide.size();
  while (left > 0) {
    DWORD written = 0;
    const DWORD chunk = left > 8192 ? 8192 : static_cast<DWORD>(left);
    if (!WriteConsoleW(static_cast<HANDLE>(handle_), p, chunk, &written, nullptr) || written == 0) {
      return false;
    }
    p += written;
    left -= written;
  }
  return true;
}

int Utf8HandleBuf::overflow(int ch) {
  if (ch == traits_type::eof()) return 0;
  const char c = static_cast<char>(ch);
  return write_out(&c, 1) ? ch : traits_type::eof();
}

std::streamsize Utf8HandleBuf::xsputn(const char* s, std::streamsize n) {
  return write_out(s, static_cast<std::size_t>(n)) ? n : 0;
}

void use_utf8_console() {
  // Static: std::cout and std::cerr keep using them until the process ends.
  static Utf8HandleBuf out(GetStdHandle(STD_OUTPUT_HANDLE));
  static Utf8HandleBuf err(GetStdHandle(STD_ERROR_HANDLE));
  std::cout.flush();
  std::cerr.flush();
  std::cout.rdbuf(&out);
  std::cerr.rdbuf(&err);
}

}  // namespace hciattest::cli
