// The signed content of an attested document: a JSON object produced by IMDS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "attest/error.h"

namespace hciattest::attest {

struct Payload {
  std::string nonce;
  std::string vm_id;
  std::string subscription_id;   // empty when IMDS did not send it (api-version < 2019-04-30)
  std::string sku;               // empty before api-version 2019-11-01
  std::string license_type;      // only with Azure Hybrid Benefit (api-version >= 2020-09-01)
  std::string created_on_text;   // "MM/DD/YY HH:MM:SS -0000" as sent
  std::string expires_on_text;
  std::int64_t created_on = 0;   // seconds since the Unix epoch, UTC
  std::int64_t expires_on = 0;
  std::string text;              // the signed content as sent: every field kept

  // The whole object, parsed from `text` on each call (the verifier reads the fields above in
  // one pass and does not build the tree: most callers never need it).
  nlohmann::json json() const;
};

struct PayloadResult {
  ErrorCode code = ErrorCode::kOk;
  std::string message;
  Payload payload;               // filled as far as parsing got
};

// Parses the signed content. Requires a JSON object with string members "nonce" and "vmId" and
// a "timeStamp" object whose "createdOn"/"expiresOn" parse with parse_imds_time. Checks shape
// only: freshness and nonce are the verifier's business. A member given twice counts as its
// last value, as in Payload::json().
PayloadResult parse_payload(std::string_view content);

// Parses IMDS's "MM/DD/YY HH:MM:SS +HHMM" (years 2000-2099) into Unix seconds, UTC. Strict:
// every digit in place, fields in range. nullopt on anything else.
std::optional<std::int64_t> parse_imds_time(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (no time-zone database, no platform call).
std::int64_t days_from_civil(int year, unsigned month, unsigned day);

// Unix seconds as "YYYY-MM-DDTHH:MM:SSZ".
std::string format_iso8601(std::int64_t t);

}  // namespace hciattest::attest
