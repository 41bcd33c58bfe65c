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

nlohmann::json Payload::json() const {
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

namespace {

// Reads the members the verifier needs while nlohmann's parser checks the whole text, without
// building the tree (which cost more than the parse itself: scripts/bench-verify, the payload
// phase). Mirrors what a lookup in the parsed object would find: a member given twice counts as
// its last value, and a member that is not a string (or, for timeStamp, not an object) is absent.
class FieldReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  // The members read, at depth 1 (`kCreatedOn`, `kExpiresOn`: in the timeStamp object).
  enum Field { kNone = -1, kNonce, kVmId, kSubscriptionId, kSku, kLicenseType, kCreatedOn,
               kExpiresOn, kFieldCount };

  explicit FieldReader(Payload& p) {
    targets_[kNonce] = &p.nonce;
    targets_[kVmId] = &p.vm_id;
    targets_[kSubscriptionId] = &p.subscription_id;
    targets_[kSku] = &p.sku;
    targets_[kLicenseType] = &p.license_type;
    targets_[kCreatedOn] = &p.created_on_text;
    targets_[kExpiresOn] = &p.expires_on_text;
  }

  bool object() const { return object_; }
  bool has(Field f) const { return has_[f]; }
  bool has_timestamp() const { return timestamp_; }

  bool null() override { return other_value(); }
  bool boolean(bool) override { return other_value(); }
  bool number_integer(number_integer_t) override { return other_value(); }
  bool number_unsigned(number_unsigned_t) override { return other_value(); }
  bool number_float(number_float_t, const string_t&) override { return other_value(); }
  bool binary(binary_t&) override { return other_value(); }
  bool string(string_t& value) override {
    if (pending_ == kNone) return other_value();
    *targets_[pending_] = value;
    has_[pending_] = true;
    pending_ = kNone;
    return true;
  }
  bool start_object(std::size_t) override {
    if (depth_ == 0) object_ = true;
    if (depth_ == 1 && pending_timestamp_) {
      // A later timeStamp replaces an earlier one whole.
      timestamp_ = true;
      has_[kCreatedOn] = has_[kExpiresOn] = false;
      in_timestamp_ = true;
      pending_timestamp_ = false;
    } else {
      nested_value();
    }
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    if (depth_ == 1) in_timestamp_ = false;
    return true;
  }
  bool start_array(std::size_t) override {
    nested_value();
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool key(string_t& name) override {
    pending_ = kNone;
    pending_timestamp_ = false;
    if (depth_ == 1) {
      if (name == "nonce") pending_ = kNonce;
      else if (name == "vmId") pending_ = kVmId;
      else if (name == "subscriptionId") pending_ = kSubscriptionId;
      else if (name == "sku") pending_ = kSku;
      else if (name == "licenseType") pending_ = kLicenseType;
      else if (name == "timeStamp") pending_timestamp_ = true;
    } else if (depth_ == 2 && in_timestamp_) {
      if (name == "createdOn") pending_ = kCreatedOn;
      else if (name == "expiresOn") pending_ = kExpiresOn;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  // A value that is not a string for the member it belongs to: that member is now absent.
  bool other_value() {
    nested_value();
    return true;
  }
  void nested_value() {
    if (pending_ != kNone) {
      has_[pending_] = false;
      pending_ = kNone;
    }
    if (depth_ == 1 && pending_timestamp_) {
      timestamp_ = false;
      pending_timestamp_ = false;
    }
  }

  std::string* targets_[kFieldCount];
  bool has_[kFieldCount] = {};
  int depth_ = 0;
  bool object_ = false;
  Field pending_ = kNone;           // the member whose value comes next
  bool pending_timestamp_ = false;  // the next value is timeStamp's
  bool timestamp_ = false;          // a timeStamp object was seen (the last one counts)
  bool in_timestamp_ = false;       // inside the timeStamp object, at depth 2
};

}  // namespace

PayloadResult parse_payload(std::string_view content) {
  PayloadResult r;
  Payload& p = r.payload;
  FieldReader fields(p);
  const bool parsed = nlohmann::json::sax_parse(content, &fields);
  if (!parsed || !fields.object()) {
    r.payload = Payload{};
    r.code = ErrorCode::kPayloadNotJson;
    r.message = "the signed content is not a JSON object: the signature is genuine but this is "
                "not an IMDS attested-data payload";
    return r;
  }
  p.text.assign(content);
  auto missing = [&r](const std::string& what) {
    r.code = ErrorCode::kPayloadMissingField;
    r.message = "the signed payload has no " + what +
                ": it is not an attested-data payload of a supported IMDS api-version";
    return r;
  };
  // Members that were not strings (or a later occurrence that was not) are absent.
  using F = FieldReader;
  for (auto [f, field] : {std::pair{F::kSubscriptionId, &p.subscription_id},
                          std::pair{F::kSku, &p.sku}, std::pair{F::kLicenseType, &p.license_type},
                          std::pair{F::kCreatedOn, &p.created_on_text},
                          std::pair{F::kExpiresOn, &p.expires_on_text}}) {
    if (!fields.has(f)) field->clear();
  }
  if (!fields.has(F::kNonce)) return missing("string \"nonce\"");
  if (!fields.has(F::kVmId)) return missing("string \"vmId\"");
  if (!fields.has_timestamp()) return missing("\"timeStamp\" object");
  if (!fields.has(F::kCreatedOn) || !fields.has(F::kExpiresOn)) {
    return missing("string \"timeStamp.createdOn\" and \"timeStamp.expiresOn\"");
  }
  auto c = parse_imds_time(p.created_on_text);
  auto e = parse_imds_time(p.expires_on_text);
  if (!c || !e || *e < *c) {
    r.code = ErrorCode::kTimestampUnparsable;
    r.message = "timeStamp createdOn \"" + p.created_on_text + "\" / expiresOn \"" +
                p.expires_on_text +
                "\" is not a valid window in IMDS format MM/DD/YY HH:MM:SS -0000";
    return r;
  }
  p.created_on = *c;
  p.expires_on = *e;
  return r;
}

}  // namespace hciattest::attest
