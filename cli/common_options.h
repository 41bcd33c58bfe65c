// What several commands share: the streams and clock a command runs with (CommandIo), the trust,
// signer and time options of `verify`, `attest` and `doctor`, and the --endpoint check. Turning
// options into values here keeps the commands from reaching into one another.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace hciattest::attest {
class TrustStore;
struct VerifyOptions;
}  // namespace hciattest::attest

namespace hciattest::cli {

struct VerifyCommandOptions {
  std::string input = "-";                 // file path, or "-" for standard input
  std::optional<std::string> batch;        // JSON-lines file, or "-"
  std::optional<unsigned> jobs;            // --batch workers; unset: one per core
  std::vector<std::string> ca_files;
  std::vector<std::string> intermediate_files;
  bool system_store = false;
  bool no_bundled = false;
  std::string cloud;                       // empty = every cloud
  std::vector<std::string> signer_domains;
  std::optional<std::string> at;
  std::optional<std::string> nonce;
  std::int64_t skew_seconds = 300;
  std::size_t max_bytes = 64 * 1024;
  std::string output = "text";
  bool no_cache = false;
  bool fetch_intermediates = false;
  std::vector<std::string> aia_allow_hosts;
  std::int64_t warn_expiry_days = 60;      // 0: no warning for a CA about to expire
};

struct CommandIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  std::function<std::int64_t()> now;   // the clock, injected
  bool color = false;
};

// Registers the trust, signer, time and output options shared by `verify` and `attest`.
void add_verification_options(CLI::App* cmd, VerifyCommandOptions& options);

// The trust store the options describe. Throws UsageError (cli/usage_error.h).
std::shared_ptr<attest::TrustStore> build_trust(const VerifyCommandOptions& options);

// The verifier options the command line describes, at the injected clock's time. Throws
// UsageError.
attest::VerifyOptions build_options(const VerifyCommandOptions& options, CommandIo& io);

// The --endpoint values, checked (http:// base URLs, no query) and without trailing slashes.
// Throws UsageError.
std::vector<std::string> checked_endpoints(const std::vector<std::string>& endpoints);

}  // namespace hciattest::cli
