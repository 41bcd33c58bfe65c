#include "attest/payload.h"

#include <cstdio>

namespace hciattest::attest {
namespace {

bool two_digits(std::string_view s, size_t at, int& out) {
  if (at + 2 > s.size()) return false;
  char a = s[at], b = s[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return false;
  out = (a - '0') * 10 + (b - '0');
  return true;
}

const std::string* string_member(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

}  // namespace

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  // Howard Hinnant's algorithm (public domain), valid for the proleptic Gregorian calendar.
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parse_imds_time(std::string_view s) {
  // 0         1         2
  // 0123456789012345678901
  // MM/DD/YY HH:MM:SS -0000
  if (s.size() != 23 || s[2] != '/' || s[5] != '/' || s[8] != ' ' || s[11] != ':' ||
      s[14] != ':' || s[17] != ' ' || (s[18] != '-' && s[18] != '+')) {
    return std::nullopt;
  }
  int mon, day, yy, hh, mm, ss, oh, om;
  if (!two_digits(s, 0, mon) || !two_digits(s, 3, day) || !two_digits(s, 6, yy) ||
      !two_digits(s, 9, hh) || !two_digits(s, 12, mm) || !two_digits(s, 15, ss) ||
      !two_digits(s, 19, oh) || !two_digits(s, 21, om)) {
    return std::nullopt;
  }
  const int year = 2000 + yy;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mon < 1 || mon > 12 || day < 1) return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max_day = kDays[mon - 1] + (mon == 2 && leap ? 1 : 0);
  if (day > max_day || hh > 23 || mm > 59 || ss > 59 || oh > 23 || om > 59) return std::nullopt;
  std::int64_t t = days_from_civil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day)) *
                       86400 + hh * 3600 + mm * 60 + ss;
  const std::int64_t offset = oh * 3600 + om * 60;
  return s[18] == '-' ? t + offset : t - offset;
}

std::string format_iso8601(std::int64_t t) {
  std::int64_t days = t / 86400;
  std::int64_t rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // civil_from_days (Howard Hinnant), inverse of days_from_civil.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m,
                d, static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                static_cast<int>(rem % 60));
  return buf;
}

PayloadResult parse_payload(std::string_view content) {
  PayloadResult r;
  Payload& p = r.payload;
  // Parsed in place: a copy of the tree into `raw` cost as much as the parse.
  p.raw = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json& obj = p.raw;
  if (obj.is_discarded() || !obj.is_object()) {
    p.raw = nullptr;
    r.code = ErrorCode::kPayloadNotJson;
    r.message = "the signed content is not a JSON object: the signature is genuine but this is "
                "not an IMDS attested-data payload";
    return r;
  }
  auto missing = [&r](const std::string& what) {
    r.code = ErrorCode::kPayloadMissingField;
    r.message = "the signed payload has no " + what +
                ": it is not an attested-data payload of a supported IMDS api-version";
    return r;
  };
  const std::string* nonce = string_member(obj, "nonce");
  if (nonce == nullptr) return missing("string \"nonce\"");
  p.nonce = *nonce;
  const std::string* vm_id = string_member(obj, "vmId");
  if (vm_id == nullptr) return missing("string \"vmId\"");
  p.vm_id = *vm_id;
  for (auto [name, field] : {std::pair{"subscriptionId", &p.subscription_id},
                             std::pair{"sku", &p.sku}, std::pair{"licenseType", &p.license_type}}) {
    if (const std::string* v = string_member(obj, name)) *field = *v;
  }
  auto ts = obj.find("timeStamp");
  if (ts == obj.end() || !ts->is_object()) return missing("\"timeStamp\" object");
  const std::string* created = string_member(*ts, "createdOn");
  const std::string* expires = string_member(*ts, "expiresOn");
  if (created == nullptr || expires == nullptr) {
    return missing("string \"timeStamp.createdOn\" and \"timeStamp.expiresOn\"");
  }
  p.created_on_text = *created;
  p.expires_on_text = *expires;
  auto c = parse_imds_time(*created);
  auto e = parse_imds_time(*expires);
  if (!c || !e || *e < *c) {
    r.code = ErrorCode::kTimestampUnparsable;
    r.message = "timeStamp createdOn \"" + *created + "\" / expiresOn \"" + *expires +
                "\" is not a valid window in IMDS format MM/DD/YY HH:MM:SS -0000";
    return r;
  }
  p.created_on = *c;
  p.expires_on = *e;
  return r;
}

}  // namespace hciattest::attest
