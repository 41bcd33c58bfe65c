#include "cli/input_file.h"

#include "cli/usage_error.h"
#include "io/utf8_path.h"

namespace hciattest::cli {

void throw_if_unreadable(const io::ReadResult& r, const std::string& what) {
  if (r.status == io::ReadStatus::kCannotOpen) {
    throw UsageError{"cannot open " + what + ": " + r.error +
                     ": check the path and that you may read it"};
  }
  if (r.status == io::ReadStatus::kReadError) {
    throw UsageError{"cannot read " + what + ": " + r.error +
                     ": check the file and the disk or share it is on"};
  }
}

std::string read_option_file(const std::string& path, std::string_view option, std::size_t cap,
                             std::string_view over_cap_hint) {
  const std::string what = std::string(option) + " \"" + path + "\"";
  io::ReadResult r = io::read_file_at_most(io::utf8_path(path), cap);
  throw_if_unreadable(r, what);
  if (r.status == io::ReadStatus::kOverCap) {
    throw UsageError{io::cap_message(what, cap, "") + ": " + std::string(over_cap_hint)};
  }
  return std::move(r.bytes);
}

}  // namespace hciattest::cli
