// Text made safe for XML 1.0 and HTML, in element content and in quoted attribute values alike:
// & < > " ' escaped, and the control characters XML 1.0 forbids even escaped replaced with '?'.
// Used by every XML and HTML renderer (the doctor's JUnit, the fleet's JUnit and HTML).
#pragma once

#include <string>
#include <string_view>

namespace hciattest::io {

std::string escape_markup(std::string_view text);

}  // namespace hciattest::io
