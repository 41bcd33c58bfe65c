// The Windows program's output writer (cli/console_windows.cpp) under Wine: to a pipe it must
// write the UTF-8 bytes unchanged (no BOM, no code-page conversion, nothing lost when a
// character is split across writes); and the console path's splitting rule.
#include <gtest/gtest.h>

#include <windows.h>

#include <ostream>
#include <string>

#include "cli/console.h"

namespace hciattest::cli {
namespace {

std::string drain(HANDLE read_end) {
  std::string out;
  char buf[4096];
  DWORD got = 0;
  while (ReadFile(read_end, buf, sizeof(buf), &got, nullptr) && got > 0) out.append(buf, got);
  return out;
}

TEST(Utf8HandleBuf, WritesUtf8BytesUnchangedToAPipe) {
  HANDLE read_end = nullptr, write_end = nullptr;
  ASSERT_TRUE(CreatePipe(&read_end, &write_end, nullptr, 1 << 16));
  const std::string name = "\xE3\x82\xA4\xE3\x83\xBC\xE3\x82\xB5\xE3\x83\x8D\xE3\x83\x83"
                           "\xE3\x83\x88 2";  // イーサネット 2
  {
    Utf8HandleBuf buf(write_end);
    EXPECT_FALSE(buf.is_console());
    std::ostream out(&buf);
    out << "adapter " << name.substr(0, 4);  // the second character cut after its lead byte
    out << name.substr(4) << '\n';
    out.flush();
    EXPECT_TRUE(out.good());
  }
  CloseHandle(write_end);
  EXPECT_EQ(drain(read_end), "adapter " + name + "\n");
  CloseHandle(read_end);
}

TEST(Utf8HandleBuf, AWriteToAClosedHandleFailsTheStream) {
  HANDLE read_end = nullptr, write_end = nullptr;
  ASSERT_TRUE(CreatePipe(&read_end, &write_end, nullptr, 0));
  CloseHandle(read_end);  // nobody reads: WriteFile fails with ERROR_NO_DATA
  Utf8HandleBuf buf(write_end);
  std::ostream out(&buf);
  out << "lost";
  EXPECT_FALSE(out.good());
  CloseHandle(write_end);
}

TEST(CompleteUtf8Prefix, StopsBeforeASequenceThatIsNotWholeYet) {
  const std::string i = "\xE3\x82\xA4";  // イ, three bytes
  EXPECT_EQ(complete_utf8_prefix("ab"), 2u);
  EXPECT_EQ(complete_utf8_prefix("ab" + i), 5u);
  EXPECT_EQ(complete_utf8_prefix("ab" + i.substr(0, 2)), 2u);
  EXPECT_EQ(complete_utf8_prefix("ab" + i.substr(0, 1)), 2u);
  EXPECT_EQ(complete_utf8_prefix("\xF0\x9F\x98"), 0u);       // 4-byte sequence, 3 bytes in
  EXPECT_EQ(complete_utf8_prefix("\xF0\x9F\x98\x80"), 4u);   // 😀 whole
  EXPECT_EQ(complete_utf8_prefix("x\xFF"), 2u);  // not a lead byte: passed on (shown as U+FFFD)
  EXPECT_EQ(complete_utf8_prefix(""), 0u);
}

}  // namespace
}  // namespace hciattest::cli
