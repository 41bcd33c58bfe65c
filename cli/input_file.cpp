#include "cli/input_file.h"

#include "cli/usage_error.h"
#include "cli/utf8_path.h"
#include "io/bounded_read.h"

namespace hciattest::cli {

std::string read_option_file(const std::string& path, std::string_view option, std::size_t cap,
                             std::string_view over_cap_hint) {
  const std::string what = std::string(option) + " \"" + path + "\"";
  io::ReadResult r = io::read_file_at_most(utf8_path(path), cap);
  switch (r.status) {
    case io::ReadStatus::kOk:
      return std::move(r.bytes);
    case io::ReadStatus::kOverCap:
      throw UsageError{io::cap_message(what, cap, "") + ": " + std::string(over_cap_hint)};
    case io::ReadStatus::kCannotOpen:
      throw UsageError{"cannot open " + what + ": " + r.error +
                       ": check the path and that you may read it"};
    case io::ReadStatus::kReadError:
      break;
  }
  throw UsageError{"cannot read " + what + ": " + r.error};
}

}  // namespace hciattest::cli
