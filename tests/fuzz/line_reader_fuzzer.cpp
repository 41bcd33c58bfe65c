// `verify --batch` reads relying parties' lines through io::LineReader (bounded_read.h): lines of
// at most `cap` bytes, a longer one reported with its first cap + 1 bytes and the rest skipped
// unstored. Checked against a plain split of the same bytes on '\n': the same lines, in order,
// with the same numbers, the same over-cap verdicts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "io/bounded_read.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using hciattest::io::LineReader;
  if (size == 0) return 0;
  const std::size_t cap = 1 + data[0] % 64;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::vector<std::string> expected;
  std::size_t start = 0;
  while (start < input.size()) {
    const std::size_t end = input.find('\n', start);
    if (end == std::string::npos) {
      expected.push_back(input.substr(start));
      break;
    }
    expected.push_back(input.substr(start, end - start));
    start = end + 1;
  }

  std::istringstream in(input);
  LineReader reader(in, cap);
  std::string line;
  for (std::size_t i = 0;; ++i) {
    const LineReader::Status s = reader.next(line);
    if (s == LineReader::Status::kEnd) {
      if (i != expected.size() || !line.empty() || reader.read_failed()) std::abort();
      return 0;
    }
    if (i >= expected.size() || reader.line_number() != i + 1) std::abort();
    if (expected[i].size() <= cap) {
      if (s != LineReader::Status::kLine || line != expected[i]) std::abort();
    } else if (s != LineReader::Status::kOverCap || line != expected[i].substr(0, cap + 1)) {
      std::abort();
    }
  }
}
