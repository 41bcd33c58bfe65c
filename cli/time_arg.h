// Parsing of time arguments (--at).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace hciattest::cli {

// Accepts "YYYY-MM-DDTHH:MM:SSZ" (UTC), "@<unix seconds>", and IMDS's "MM/DD/YY HH:MM:SS -0000".
std::optional<std::int64_t> parse_time_arg(std::string_view text);

}  // namespace hciattest::cli
