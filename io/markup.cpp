#include "io/markup.h"

namespace hciattest::io {

std::string escape_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') out += '?';
        else out += ch;
    }
  }
  return out;
}

}  // namespace hciattest::io
