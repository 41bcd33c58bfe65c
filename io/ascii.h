// ASCII case folding for protocol and file-format text (host names, header names, editions, file
// extensions): 'A'-'Z' only, whatever the C locale says, so that the same bytes compare the same
// on every machine. Not for text shown to people.
#pragma once

#include <string>
#include <string_view>

namespace hciattest::io {

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace hciattest::io
