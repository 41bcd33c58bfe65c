// `hciattest anchors`: the certificates the tool trusts (the compiled-in bundle, and what
// --ca-file / --intermediates-file add), their fingerprints and validity; a warning exit when a
// bundled one is about to expire; and the export of one, to install where Windows needs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/anchors.h"
#include "cli/common_options.h"

namespace hciattest::cli {

struct AnchorsCommandOptions {
  std::vector<std::string> ca_files;
  std::vector<std::string> intermediate_files;
  std::string output = "text";                 // text | json
  std::optional<std::int64_t> expiring_within_days;
  std::optional<std::string> export_name;      // a name, a subject CN, or a SHA-256 prefix
  std::optional<std::string> out;              // with --export
  bool der = false;                            // with --export: DER instead of PEM
};

inline constexpr const char* kAnchorsSchema = "hciattest.anchors/1";

CLI::App* add_anchors_command(CLI::App& app, AnchorsCommandOptions& options);

// The bundle, then the certificates of each --ca-file and --intermediates-file. Throws UsageError.
std::vector<attest::AnchorEntry> collect_anchors(const AnchorsCommandOptions& options);

// Bundled certificates still valid at `now` whose notAfter falls within `days` of it.
std::vector<const attest::AnchorEntry*> expiring_bundled(
    const std::vector<attest::AnchorEntry>& entries, std::int64_t now, std::int64_t days);

nlohmann::json anchors_to_json(const std::vector<attest::AnchorEntry>& entries, std::int64_t now);
std::string anchors_to_text(const std::vector<attest::AnchorEntry>& entries, std::int64_t now);

// 0; 3 with --expiring-within when a bundled, still valid certificate expires within DAYS;
// 2 on a usage error (unknown or ambiguous --export name, unreadable file).
int run_anchors(const AnchorsCommandOptions& options, CommandIo& io);

}  // namespace hciattest::cli
