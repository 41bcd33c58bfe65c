// `hciattest fetch`, `hciattest attest` and `hciattest emulate`.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "attest/verifier.h"
#include "cli/common_options.h"
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

CLI::App* add_fetch_command(CLI::App& app, FetchCommandOptions& options);
CLI::App* add_attest_command(CLI::App& app, FetchCommandOptions& fetch,
                             VerifyCommandOptions& verify);
CLI::App* add_emulate_command(CLI::App& app, EmulateCommandOptions& options);

int run_fetch(const FetchCommandOptions& options, CommandIo& io);
int run_attest(const FetchCommandOptions& fetch, const VerifyCommandOptions& verify, CommandIo& io);
int run_emulate(const EmulateCommandOptions& options, CommandIo& io);

}  // namespace hciattest::cli
