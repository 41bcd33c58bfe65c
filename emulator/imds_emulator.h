// An IMDS emulator: the request handling of Azure IMDS (and of an Azure Stack HCI host's IMDS)
// for /metadata/attested/document, /metadata/instance and /metadata/versions, with every fault
// the client must survive. The logic is here, free of HTTP (tested directly); server.h puts it
// on a cpprestsdk http_listener.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulator/pki.h"

namespace hciattest::emulator {

struct Faults {
  int boot_410_seconds = 0;      // answer 410 for this long after start
  double rate_limit_rps = 0;     // 429 (Retry-After: 1) beyond this many requests per second
  int fail_every = 0;            // every K-th request answers 500
  int delay_ms = 0;              // wait before answering
  bool drip = false;             // send the body a few bytes at a time
  bool oversize = false;         // pad the body past 64 KiB
  std::string malformed;         // "json", "base64" or "pkcs7"
  bool wrong_signer = false;     // sign with CN=metadata.azure.com.evil.example
  bool expired = false;          // sign with an expired certificate, stale timeStamp
  bool reset = false;            // close the connection without an answer
  bool stale_nonce = false;      // answer with the previous request's nonce (IMDS's cache)
};

// The VM the emulator pretends to serve (/metadata/instance "compute").
struct VmIdentity {
  std::string vm_id = "0b4c3a5e-7c1d-4f5e-9a3b-2d6e8f1a4c7b";
  std::string name = "hci-vm-01";
  std::string location = "eastus";
  std::string os_type = "Windows";
  std::string sku = "2022-datacenter-azure-edition";
  std::string license_type = "Windows_Server";
  std::string subscription_id = "8d10da13-8125-4ba9-a717-bf7490507b3d";
  std::string resource_group = "rg-hci";
  std::string offer = "WindowsServer";
  std::string publisher = "MicrosoftWindowsServer";
};

struct EmulatorRequest {
  std::string method = "GET";
  std::string path;                                       // without the query
  std::string query;                                      // raw, without '?'
  std::map<std::string, std::string> headers;             // names lower-cased
};

struct EmulatorReply {
  enum class Delivery { kNormal, kDrip, kReset };
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  Delivery delivery = Delivery::kNormal;
  std::chrono::milliseconds delay{0};
};

// The api-versions the emulator accepts: a subset of IMDS's documented ones, newest first.
const std::vector<std::string>& supported_api_versions();

class ImdsEmulator {
 public:
  // `clock` gives Unix seconds (timeStamp, certificate times); `steady` drives boot and rate
  // faults. Both injected so tests control time.
  ImdsEmulator(std::shared_ptr<const SigningPki> pki, Faults faults, VmIdentity vm,
               std::function<std::int64_t()> clock,
               std::function<std::chrono::steady_clock::time_point()> steady);

  EmulatorReply handle(const EmulatorRequest& request);

  std::uint64_t requests() const;

 private:
  EmulatorReply attested(const std::map<std::string, std::string>& query, const std::string& version);
  EmulatorReply instance(const std::string& version) const;

  std::shared_ptr<const SigningPki> pki_;
  Faults faults_;
  VmIdentity vm_;
  std::function<std::int64_t()> clock_;
  std::function<std::chrono::steady_clock::time_point()> steady_;
  std::chrono::steady_clock::time_point started_;
  mutable std::mutex mutex_;
  std::uint64_t count_ = 0;
  std::vector<std::chrono::steady_clock::time_point> recent_;  // for the rate limit
  std::string previous_nonce_;
};

}  // namespace hciattest::emulator
