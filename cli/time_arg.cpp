#include "cli/time_arg.h"

#include <charconv>

#include "attest/payload.h"

namespace hciattest::cli {

std::optional<std::int64_t> parse_time_arg(std::string_view s) {
  if (!s.empty() && s.front() == '@') {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.size() == 1) return std::nullopt;
    return v;
  }
  if (auto imds = attest::parse_imds_time(s)) return imds;
  // YYYY-MM-DDTHH:MM:SSZ
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z') {
    return std::nullopt;
  }
  auto num = [&s](size_t at, size_t len, int& out) {
    auto [p, ec] = std::from_chars(s.data() + at, s.data() + at + len, out);
    return ec == std::errc() && p == s.data() + at + len;
  };
  int y, mo, d, h, mi, se;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
      !num(17, 2, se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  return attest::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
         h * 3600 + mi * 60 + se;
}

}  // namespace hciattest::cli
