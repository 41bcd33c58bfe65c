// The reference for attest::parse_payload's single-pass field reader: the same checks made by
// looking the members up in nlohmann's parsed tree, as the verifier did before it stopped
// building the tree. The payload tests and the fuzzer compare the two.
#pragma once

#include <string>
#include <string_view>
#include <tuple>

#include <nlohmann/json.hpp>

#include "attest/payload.h"

namespace hciattest::testing {

inline const std::string* reference_string_member(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

// The error code, and the fields a successful parse reads, from the tree.
inline attest::PayloadResult reference_parse_payload(std::string_view content) {
  using attest::ErrorCode;
  attest::PayloadResult r;
  attest::Payload& p = r.payload;
  const nlohmann::json obj = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (obj.is_discarded() || !obj.is_object()) {
    r.code = ErrorCode::kPayloadNotJson;
    return r;
  }
  p.text.assign(content);
  for (auto [name, field] :
       {std::pair{"nonce", &p.nonce}, std::pair{"vmId", &p.vm_id},
        std::pair{"subscriptionId", &p.subscription_id}, std::pair{"sku", &p.sku},
        std::pair{"licenseType", &p.license_type}}) {
    if (const std::string* v = reference_string_member(obj, name)) *field = *v;
  }
  if (reference_string_member(obj, "nonce") == nullptr ||
      reference_string_member(obj, "vmId") == nullptr) {
    r.code = ErrorCode::kPayloadMissingField;
    return r;
  }
  auto ts = obj.find("timeStamp");
  if (ts == obj.end() || !ts->is_object()) {
    r.code = ErrorCode::kPayloadMissingField;
    return r;
  }
  const std::string* created = reference_string_member(*ts, "createdOn");
  const std::string* expires = reference_string_member(*ts, "expiresOn");
  if (created == nullptr || expires == nullptr) {
    r.code = ErrorCode::kPayloadMissingField;
    return r;
  }
  p.created_on_text = *created;
  p.expires_on_text = *expires;
  auto c = attest::parse_imds_time(*created);
  auto e = attest::parse_imds_time(*expires);
  if (!c || !e || *e < *c) {
    r.code = ErrorCode::kTimestampUnparsable;
    return r;
  }
  p.created_on = *c;
  p.expires_on = *e;
  return r;
}

// Empty when `got` reads what the reference reads from `content`; otherwise what differs.
inline std::string payload_difference(std::string_view content, const attest::PayloadResult& got) {
  const attest::PayloadResult want = reference_parse_payload(content);
  if (got.code != want.code) {
    return "code " + std::string(attest::error_id(got.code)) + ", reference " +
           std::string(attest::error_id(want.code));
  }
  if (want.code != attest::ErrorCode::kOk && want.code != attest::ErrorCode::kTimestampUnparsable) {
    return {};  // no fields are promised
  }
  const attest::Payload& a = got.payload;
  const attest::Payload& b = want.payload;
  for (auto [name, x, y] :
       {std::tuple{"nonce", &a.nonce, &b.nonce}, std::tuple{"vmId", &a.vm_id, &b.vm_id},
        std::tuple{"subscriptionId", &a.subscription_id, &b.subscription_id},
        std::tuple{"sku", &a.sku, &b.sku}, std::tuple{"licenseType", &a.license_type, &b.license_type},
        std::tuple{"createdOn", &a.created_on_text, &b.created_on_text},
        std::tuple{"expiresOn", &a.expires_on_text, &b.expires_on_text},
        std::tuple{"text", &a.text, &b.text}}) {
    if (*x != *y) return std::string(name) + " \"" + *x + "\", reference \"" + *y + "\"";
  }
  if (a.created_on != b.created_on || a.expires_on != b.expires_on) return "timeStamp seconds";
  if (a.json() != nlohmann::json::parse(content)) return "json()";
  return {};
}

}  // namespace hciattest::testing
