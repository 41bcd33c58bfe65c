#include "cli/summary.h"

namespace hciattest::cli {
namespace {

std::string ascii(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7F) out += static_cast<char>(c);
    else if (c < 0x20 || c == 0x7F) out += ' ';
    else if ((c & 0xC0) != 0x80) out += '?';  // one '?' for each UTF-8 character, not each byte
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::size_t shown) {
  std::string out;
  for (std::size_t i = 0; i < shown; ++i) out += (i == 0 ? "" : ",") + ascii(items[i]);
  if (shown < items.size()) {
    out += (shown == 0 ? "" : ",") + std::string("...+") + std::to_string(items.size() - shown) + " more";
  }
  return out;
}

// The line with each list showing shown[i] items, and the remedy or not.
std::string compose(const Summary& s, const std::vector<std::size_t>& shown, bool remedy) {
  std::string line = "hciattest " + ascii(s.command) + ": " + ascii(s.verdict);
  if (!s.machine.empty()) line += " | machine=" + ascii(s.machine);
  for (const auto& [name, value] : s.fields) {
    if (!value.empty()) line += " | " + ascii(name) + "=" + ascii(value);
  }
  for (std::size_t i = 0; i < s.lists.size(); ++i) {
    if (s.lists[i].second.empty()) continue;
    line += " | " + ascii(s.lists[i].first) + "=" + join(s.lists[i].second, shown[i]);
  }
  if (!s.remedy.empty()) {
    line += remedy ? " | remedy: " + ascii(s.remedy) : " | remedy: too long for this line, see the full report";
  }
  return line;
}

}  // namespace

std::string render_summary(const Summary& s, std::size_t max) {
  std::vector<std::size_t> shown;
  for (const auto& list : s.lists) shown.push_back(list.second.size());
  // The remedy goes first, then the lists shrink from their ends, the last list first.
  std::string line = compose(s, shown, true);
  if (line.size() <= max) return line;
  line = compose(s, shown, false);
  for (std::size_t i = s.lists.size(); i-- > 0 && line.size() > max;) {
    // The most items of list i that fit, by bisection (a list may hold thousands).
    std::size_t lo = 0, hi = shown[i];
    while (lo < hi) {
      shown[i] = lo + (hi - lo + 1) / 2;
      if (compose(s, shown, false).size() <= max) lo = shown[i];
      else hi = shown[i] - 1;
    }
    shown[i] = lo;
    line = compose(s, shown, false);
  }
  // Still too long (a machine name or a field of kilobytes): the fixed part alone, which is short.
  if (line.size() > max) {
    Summary bare;
    bare.command = s.command;
    bare.verdict = s.verdict;
    line = compose(bare, {}, false) + " | details too long for this line, see the full report";
  }
  return line.size() <= max ? line : line.substr(0, max);
}

}  // namespace hciattest::cli
