// Paths are UTF-8 inside hciattest (the command line is converted once: cli/console.h); on Windows
// a std::string path would be read in the ANSI code page, so files are opened through these (a
// wide path underneath).
#pragma once

#include <filesystem>
#include <string>

namespace hciattest::io {

inline std::filesystem::path utf8_path(const std::string& text) {
  return std::filesystem::u8path(text);
}

inline std::string path_utf8(const std::filesystem::path& path) { return path.u8string(); }

}  // namespace hciattest::io
