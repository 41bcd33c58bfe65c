#include "cli/verify_render.h"

#include <cstdio>

namespace hciattest::cli {
namespace {

using attest::CheckStatus;
using nlohmann::json;

json cert_json(const attest::CertificateSummary& c) {
  return {{"subject", c.subject},         {"issuer", c.issuer},
          {"serial", c.serial_hex},       {"sha256", c.sha256_hex},
          {"not_before", c.not_before},   {"not_after", c.not_after},
          {"dns_names", c.dns_names},     {"ca_issuers", c.ca_issuers_urls},
          {"origin", c.origin}};
}

const char* mark(CheckStatus s, bool color) {
  switch (s) {
    case CheckStatus::kPass: return color ? "\x1b[32mpass\x1b[0m" : "pass";
    case CheckStatus::kFail: return color ? "\x1b[31mFAIL\x1b[0m" : "FAIL";
    case CheckStatus::kSkip: return color ? "\x1b[33mskip\x1b[0m" : "skip";
  }
  return "";
}

}  // namespace

json warnings_json(const attest::VerificationReport& r) {
  json list = json::array();
  for (const auto& w : r.warnings) {
    list.push_back({{"id", w.id},
                    {"subject", w.subject},
                    {"origin", w.origin},
                    {"not_after", w.not_after},
                    {"days_left", w.seconds_left / 86400},
                    {"message", w.message}});
  }
  return list;
}

std::string iso8601(std::int64_t t) { return attest::format_iso8601(t); }

json report_to_json(const attest::VerificationReport& r, std::int64_t time) {
  json checks = json::array();
  for (const auto& c : r.checks) {
    checks.push_back({{"id", c.id},
                      {"title", c.title},
                      {"status", attest::status_id(c.status)},
                      {"code", attest::error_id(c.code)},
                      {"message", c.message}});
  }
  json chain = json::array();
  for (const auto& c : r.chain) chain.push_back(cert_json(c));
  json out = {{"schema", kVerifySchema},
              {"verified", r.verified},
              {"code", attest::error_id(r.code)},
              {"message", r.message},
              {"verification_time", iso8601(time)},
              {"input_form", r.input_form},
              {"checks", checks},
              {"signer", r.signer ? cert_json(*r.signer) : json()},
              {"chain", chain},
              {"payload", r.payload ? r.payload->json() : json()},
              {"fetched_urls", r.fetched_urls},
              {"warnings", warnings_json(r)}};
  return out;
}

std::string report_to_text(const attest::VerificationReport& r, std::int64_t time, bool color) {
  std::string out;
  out += r.verified ? (color ? "\x1b[32mVERIFIED\x1b[0m" : "VERIFIED")
                    : (color ? "\x1b[31mREJECTED\x1b[0m" : "REJECTED");
  out += "  attested document";
  if (!r.verified) out += ": " + std::string(attest::error_id(r.code));
  out += "\n  verification time  " + iso8601(time) + "\n";
  if (!r.verified) out += "  reason             " + r.message + "\n";
  out += "\nchecks\n";
  for (const auto& c : r.checks) {
    char id[16];
    std::snprintf(id, sizeof(id), "%-10.*s", static_cast<int>(c.id.size()), c.id.data());
    out += std::string("  ") + mark(c.status, color) + "  " + id + " " + c.message + "\n";
  }
  for (const auto& w : r.warnings) {
    out += std::string("  ") + (color ? "\x1b[33mWARN\x1b[0m" : "WARN") + "  " +
           std::string(w.id) + " " + w.message + "\n";
  }
  if (r.signer) {
    out += "\nsigner\n  subject  " + r.signer->subject + "\n  issuer   " + r.signer->issuer +
           "\n  valid    " + r.signer->not_before + " to " + r.signer->not_after + "\n";
    if (!r.signer->dns_names.empty()) {
      out += "  dns      ";
      for (size_t i = 0; i < r.signer->dns_names.size(); ++i) {
        out += (i ? ", " : "") + r.signer->dns_names[i];
      }
      out += "\n";
    }
  }
  if (!r.chain.empty()) {
    out += "\nchain (as built)\n";
    for (size_t i = 0; i < r.chain.size(); ++i) {
      out += "  " + std::to_string(i) + "  " + r.chain[i].subject + "  [" + r.chain[i].origin +
             ", until " + r.chain[i].not_after + "]\n";
    }
  }
  if (r.payload) {
    const auto& p = *r.payload;
    out += "\npayload\n";
    auto field = [&out](const char* name, const std::string& v) {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "  %-15s", name);
      out += buf + (v.empty() ? std::string("(absent)") : v) + "\n";
    };
    field("vmId", p.vm_id);
    field("nonce", p.nonce);
    field("subscriptionId", p.subscription_id);
    field("sku", p.sku);
    field("licenseType", p.license_type);
    field("createdOn", p.created_on_text);
    field("expiresOn", p.expires_on_text);
    const json whole = p.json();
    if (auto plan = whole.find("plan"); plan != whole.end()) field("plan", plan->dump());
  }
  return out;
}

json batch_line_json(std::size_t line, const attest::VerificationReport& r) {
  json out = {{"line", line},
              {"verified", r.verified},
              {"code", attest::error_id(r.code)},
              {"message", r.message}};
  if (r.payload) {
    out["vmId"] = r.payload->vm_id;
    out["nonce"] = r.payload->nonce;
    out["subscriptionId"] = r.payload->subscription_id;
  }
  if (r.signer) out["signer"] = r.signer->subject;
  if (!r.warnings.empty()) out["warnings"] = warnings_json(r);
  return out;
}

std::string batch_line_text(std::size_t line, const attest::VerificationReport& r) {
  std::string out = "line " + std::to_string(line) + ": ";
  if (r.verified) {
    out += "verified vmId=" + (r.payload ? r.payload->vm_id : std::string());
  } else {
    out += "REJECTED " + std::string(attest::error_id(r.code)) + ": " + r.message;
  }
  return out;
}

Summary verification_summary(const std::string& command, const attest::VerificationReport& r,
                             const std::string& machine) {
  Summary s;
  s.command = command;
  s.verdict = r.verified ? "verified" : "rejected";
  s.machine = machine;
  if (!r.verified) s.fields.push_back({"code", std::string(attest::error_id(r.code))});
  if (r.verified && r.payload) {
    s.fields.push_back({"vmId", r.payload->vm_id});
    s.fields.push_back({"subscriptionId", r.payload->subscription_id});
  }
  std::vector<std::string> failed;
  for (const auto& c : r.checks) {
    if (c.status == attest::CheckStatus::kFail) failed.emplace_back(c.id);
  }
  s.lists = {{"fail", failed}};
  if (!r.verified) s.remedy = r.message;
  return s;
}

}  // namespace hciattest::cli
