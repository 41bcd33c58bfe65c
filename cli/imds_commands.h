// `hciattest fetch`, `hciattest attest` and `hciattest emulate`.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "attest/verifier.h"
#include "cli/verify_command.h"
#include "imds/client.h"

namespace hciattest::cli {

struct FetchCommandOptions {
  std::vector<std::string> endpoints;     // empty: 169.254.169.254 then .253
  std::string api_version;                // empty: the client's default
  std::optional<std::string> nonce;
  double timeout_seconds = 90;
  int attempt_timeout_ms = 3000;
  std::optional<int> head_start_ms;       // empty: race_start() decides
  bool sequential = false;
  std::string output = "text";            // fetch: raw|json; attest: text|json
};

struct EmulateCommandOptions {
  std::string listen = "127.0.0.1:8080";
  std::string cloud = "public";
  std::optional<std::string> signer_name;
  std::optional<std::string> pki_dir;
  std::optional<std::string> save_pki_dir;
  std::string root_out = "emulator-root.pem";
  double duration_seconds = 0;            // 0: until SIGINT/SIGTERM
  bool quiet = false;
  int boot_410 = 0;
  double rate_limit = 0;
  int fail_every = 0;
  int delay_ms = 0;
  bool drip = false;
  bool oversize = false;
  std::string malformed;
  bool wrong_signer = false;
  bool expired = false;
  bool reset = false;
  bool stale_nonce = false;
  std::string vm_id;
  std::string sku;
  std::string license_type;
};

// How long .254 runs alone before .253 joins the race, and why.
struct RaceStart {
  std::chrono::milliseconds head_start{250};
  std::string why;  // empty for the default; said in the report otherwise
};

// --head-start when given; with the default endpoints, 0 (both at once) when `hci_adapter` is
// evidence of the HCI guest's IMDS adapter (hostcheck::hci_imds_adapter), since .253 is then
// where the answer comes from; else 250 ms, Azure's .254 first. Sequential fetches keep their
// order and take no head start.
RaceStart race_start(bool default_endpoints, std::optional<int> head_start_ms, bool sequential,
                     const std::optional<std::string>& hci_adapter);

// The --endpoint values, checked (http:// base URLs, no query) and without trailing slashes.
// Throws UsageError.
std::vector<std::string> checked_endpoints(const std::vector<std::string>& endpoints);

// Verifies the document `fetched` holds against the nonce it was fetched with. When that fails on
// the nonce alone and `req` chose the nonce itself, fetches once more with a new one: IMDS serves
// a cached document (with the nonce of an earlier request) for a few minutes, and a second
// request tells that cache from a replay. `fetched` then holds both traces and the second nonce,
// and `note` says so. `attest` and `doctor` both verify this way.
attest::VerificationReport verify_fetched(imds::ImdsRequest req, imds::ImdsResult& fetched,
                                          attest::Verifier& verifier, imds::ClientEnvironment& env,
                                          std::string& note);

CLI::App* add_fetch_command(CLI::App& app, FetchCommandOptions& options);
CLI::App* add_attest_command(CLI::App& app, FetchCommandOptions& fetch,
                             VerifyCommandOptions& verify);
CLI::App* add_emulate_command(CLI::App& app, EmulateCommandOptions& options);

int run_fetch(const FetchCommandOptions& options, CommandIo& io);
int run_attest(const FetchCommandOptions& fetch, const VerifyCommandOptions& verify, CommandIo& io);
int run_emulate(const EmulateCommandOptions& options, CommandIo& io);

}  // namespace hciattest::cli
