#include "emulator/imds_emulator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "attest/payload.h"
#include "emulator/detail/x509_builder.h"

namespace hciattest::emulator {
namespace {

using nlohmann::json;

EmulatorReply json_reply(int status, const json& body) {
  EmulatorReply r;
  r.status = status;
  r.body = body.dump();
  r.headers["Content-Type"] = "application/json; charset=utf-8";
  return r;
}

EmulatorReply error_reply(int status, const std::string& message, bool with_versions = false) {
  json body = {{"error", message}};
  if (with_versions) {
    const auto& v = supported_api_versions();
    body["newest-versions"] = json::array({v[0], v[1], v[2]});
  }
  return json_reply(status, body);
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// IMDS rejects duplicate query parameters (FACTS.md): nullopt then.
std::optional<std::map<std::string, std::string>> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    size_t amp = query.find('&', start);
    std::string part = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string key = url_decode(part.substr(0, eq));
      std::string value = eq == std::string::npos ? "" : url_decode(part.substr(eq + 1));
      if (!out.emplace(key, value).second) return std::nullopt;
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

bool version_at_least(const std::string& v, const char* min) { return v >= min; }

}  // namespace

const std::vector<std::string>& supported_api_versions() {
  // Newest first. A subset of the versions documented for IMDS (azure-rest-api-specs imds).
  static const std::vector<std::string> kVersions = {
      "2023-07-01", "2021-12-13", "2021-10-01", "2021-05-01", "2021-02-01", "2021-01-01",
      "2020-12-01", "2020-10-01", "2020-09-01", "2020-06-01", "2019-11-01", "2019-08-15",
      "2019-06-04", "2019-04-30", "2019-03-11", "2018-10-01"};
  return kVersions;
}

ImdsEmulator::ImdsEmulator(std::shared_ptr<const SigningPki> pki, Faults faults, VmIdentity vm,
                           std::function<std::int64_t()> clock,
                           std::function<std::chrono::steady_clock::time_point()> steady)
    : pki_(std::move(pki)),
      faults_(std::move(faults)),
      vm_(std::move(vm)),
      clock_(std::move(clock)),
      steady_(std::move(steady)),
      started_(steady_()) {}

std::uint64_t ImdsEmulator::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

EmulatorReply ImdsEmulator::handle(const EmulatorRequest& req) {
  std::uint64_t n = 0;
  bool throttled = false;
  const auto now = steady_();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    n = ++count_;
    if (faults_.rate_limit_rps > 0) {
      recent_.erase(std::remove_if(recent_.begin(), recent_.end(),
                                   [&](auto t) { return now - t >= std::chrono::seconds(1); }),
                    recent_.end());
      throttled = static_cast<double>(recent_.size()) >= faults_.rate_limit_rps;
      if (!throttled) recent_.push_back(now);
    }
  }
  EmulatorReply reply;
  if (faults_.reset) {
    reply.delivery = EmulatorReply::Delivery::kReset;
  } else if (now - started_ < std::chrono::seconds(faults_.boot_410_seconds)) {
    reply = error_reply(410, "IMDS is not ready yet; retry after some time for a max of 70 seconds");
  } else if (throttled) {
    reply = error_reply(429, "Too many requests");
    reply.headers["Retry-After"] = "1";
  } else if (faults_.fail_every > 0 && n % static_cast<std::uint64_t>(faults_.fail_every) == 0) {
    reply = error_reply(500, "Internal server error (emulated fault --fail-every)");
  } else if (req.method != "GET") {
    reply = error_reply(405, "Method not allowed");
  } else if (req.headers.count("x-forwarded-for") != 0) {
    reply = error_reply(400, "Bad request. X-Forwarded-For header is not allowed (IMDS is not "
                             "reachable through a proxy)");
  } else if (auto md = req.headers.find("metadata"); md == req.headers.end() || md->second != "true") {
    reply = error_reply(400, "Bad request. Required metadata header not specified");
  } else {
    auto query = parse_query(req.query);
    if (!query) {
      reply = error_reply(400, "Bad request. Duplicate query parameters are not allowed");
    } else if (req.path == "/metadata/versions") {
      reply = json_reply(200, {{"apiVersions", supported_api_versions()}});
    } else {
      auto v = query->find("api-version");
      const auto& versions = supported_api_versions();
      if (v == query->end()) {
        reply = error_reply(400, "Bad request. api-version was not specified in the request", true);
      } else if (std::find(versions.begin(), versions.end(), v->second) == versions.end()) {
        reply = error_reply(400, "Bad request. api-version is invalid or was not specified", true);
      } else if (req.path == "/metadata/attested/document") {
        reply = attested(*query, v->second);
      } else if (req.path == "/metadata/instance" || req.path == "/metadata/instance/compute") {
        reply = instance(v->second);
      } else {
        reply = error_reply(404, "Not found");
      }
    }
  }
  reply.delay = std::chrono::milliseconds(faults_.delay_ms);
  if (faults_.drip && reply.delivery == EmulatorReply::Delivery::kNormal) {
    reply.delivery = EmulatorReply::Delivery::kDrip;
  }
  return reply;
}

EmulatorReply ImdsEmulator::attested(const std::map<std::string, std::string>& query,
                                     const std::string& version) {
  std::string nonce;
  const std::int64_t now = clock_();
  if (auto it = query.find("nonce"); it != query.end()) {
    nonce = it->second;
    const bool ok = !nonce.empty() && nonce.size() <= 32 &&
                    std::all_of(nonce.begin(), nonce.end(), [](unsigned char c) { return std::isalnum(c); });
    if (!ok) return error_reply(400, "Bad request. The nonce must be 1 to 32 letters or digits");
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (faults_.stale_nonce && !previous_nonce_.empty()) std::swap(nonce, previous_nonce_);
    else previous_nonce_ = nonce;
  }
  std::int64_t created = now;
  std::int64_t expires = now + 6 * 3600;  // real documents live six hours
  if (faults_.expired) {
    created = now - 7 * 3600;
    expires = now - 3600;
  }
  if (nonce.empty()) {
    // Without a nonce IMDS puts a yyyyMMdd-HHmmss timestamp there (FACTS.md).
    const std::string iso = attest::format_iso8601(expires);
    nonce = iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "-" + iso.substr(11, 2) +
            iso.substr(14, 2) + iso.substr(17, 2);
  }
  json payload = {{"nonce", nonce},
                  {"plan", {{"name", ""}, {"product", ""}, {"publisher", ""}}},
                  {"timeStamp",
                   {{"createdOn", detail::imds_time(created)}, {"expiresOn", detail::imds_time(expires)}}},
                  {"vmId", vm_.vm_id}};
  if (version_at_least(version, "2019-04-30")) payload["subscriptionId"] = vm_.subscription_id;
  if (version_at_least(version, "2019-11-01")) payload["sku"] = vm_.sku;
  if (version_at_least(version, "2020-09-01") && !vm_.license_type.empty()) {
    payload["licenseType"] = vm_.license_type;
  }
  const SigningPki::Signer signer = faults_.wrong_signer ? SigningPki::Signer::kWrongName
                                    : faults_.expired    ? SigningPki::Signer::kExpired
                                                         : SigningPki::Signer::kGenuine;
  std::string signature = pki_->sign(payload.dump(), signer);
  if (faults_.malformed == "base64") signature = "!!" + signature.substr(2);
  if (faults_.malformed == "pkcs7") signature = detail::base64(std::vector<unsigned char>(300, 0x30));
  if (faults_.oversize) signature += std::string(80 * 1024, 'A');
  EmulatorReply reply = json_reply(200, {{"encoding", "pkcs7"}, {"signature", signature}});
  if (faults_.malformed == "json") reply.body = reply.body.substr(0, reply.body.size() / 2);
  return reply;
}

EmulatorReply ImdsEmulator::instance(const std::string& version) const {
  json compute = {{"vmId", vm_.vm_id},
                  {"name", vm_.name},
                  {"location", vm_.location},
                  {"osType", vm_.os_type},
                  {"sku", vm_.sku},
                  {"offer", vm_.offer},
                  {"publisher", vm_.publisher},
                  {"resourceGroupName", vm_.resource_group},
                  {"subscriptionId", vm_.subscription_id},
                  {"azEnvironment", "AzurePublicCloud"}};
  if (version_at_least(version, "2020-09-01")) compute["licenseType"] = vm_.license_type;
  return json_reply(200, {{"compute", compute}});
}

}  // namespace hciattest::emulator
