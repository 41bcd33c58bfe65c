// Renderers for verification reports: pure functions, tested on every OS.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "attest/verifier.h"
#include "cli/summary.h"

namespace hciattest::cli {

inline constexpr const char* kVerifySchema = "hciattest.verify/1";

nlohmann::json report_to_json(const attest::VerificationReport& report, std::int64_t time);

// Aligned text for people; `color` adds ANSI colours (only on a TTY).
std::string report_to_text(const attest::VerificationReport& report, std::int64_t time,
                           bool color);

// One line per batch document.
nlohmann::json batch_line_json(std::size_t line, const attest::VerificationReport& report);
std::string batch_line_text(std::size_t line, const attest::VerificationReport& report);

// --output summary of one document: verified or rejected, the machine, the error code, the
// payload's vmId and subscriptionId (verified documents only: an unverified payload names
// nothing), the failing checks, and the first failure's message as the remedy.
Summary verification_summary(const std::string& command, const attest::VerificationReport& report,
                             const std::string& machine);

std::string iso8601(std::int64_t t);

// The report's warnings (a CA of the chain about to expire) as a JSON array; [] when none.
nlohmann::json warnings_json(const attest::VerificationReport& report);

}  // namespace hciattest::cli
