#include "cli/common_options.h"

#include <CLI/CLI.hpp>

#include "attest/signer_policy.h"
#include "attest/verifier.h"
#include "cli/input_file.h"
#include "cli/time_arg.h"
#include "cli/usage_error.h"
#include "imds/aia_fetcher.h"

namespace hciattest::cli {

std::shared_ptr<attest::TrustStore> build_trust(const VerifyCommandOptions& o) {
  auto trust = std::make_shared<attest::TrustStore>();
  if (!o.no_bundled) trust->add_bundled();
  for (const auto& f : o.ca_files) {
    auto st = trust->add_anchors_pem(
        read_option_file(f, "--ca-file", kMaxPemFileBytes, kPemOverCapHint), f);
    if (!st.ok) throw UsageError{"--ca-file: " + st.message};
  }
  for (const auto& f : o.intermediate_files) {
    auto st = trust->add_intermediates_pem(
        read_option_file(f, "--intermediates-file", kMaxPemFileBytes, kPemOverCapHint), f);
    if (!st.ok) throw UsageError{"--intermediates-file: " + st.message};
  }
  if (o.system_store) {
    auto st = trust->add_system_store();
    if (!st.ok) throw UsageError{"--system-store: " + st.message};
  }
  if (trust->anchor_count() == 0 && !o.system_store) {
    throw UsageError{"no trust anchor: --no-bundled-anchors needs --ca-file or --system-store"};
  }
  return trust;
}

attest::VerifyOptions build_options(const VerifyCommandOptions& o, CommandIo& io) {
  attest::VerifyOptions v;
  v.time = io.now();
  if (o.at) {
    auto t = parse_time_arg(*o.at);
    if (!t) {
      throw UsageError{"--at \"" + *o.at +
                       "\" is not a time: use 2026-11-23T18:00:00Z (UTC), @<unix seconds> or "
                       "the IMDS form \"11/23/26 18:00:00 -0000\""};
    }
    v.time = *t;
  }
  if (!o.signer_domains.empty()) {
    for (const auto& d : o.signer_domains) {
      if (!attest::name_within_domain(d, d)) {
        throw UsageError{"--signer-domain \"" + d +
                         "\" is not a DNS name (letters, digits, '-', '.'; no wildcard)"};
      }
    }
    v.signer_domains = o.signer_domains;
  } else {
    auto domains = attest::signer_domains_for_cloud(o.cloud);
    if (!domains) {
      throw UsageError{"--cloud \"" + o.cloud + "\" is unknown: use public, usgov, china or germany"};
    }
    v.signer_domains = *domains;
  }
  v.expected_nonce = o.nonce;
  v.timestamp_skew_seconds = o.skew_seconds;
  v.max_document_bytes = o.max_bytes;
  v.cache = !o.no_cache;
  v.expiry_warning_seconds = o.warn_expiry_days * 86400;
  if (o.fetch_intermediates) {
    imds::AiaFetchPolicy policy;
    for (const auto& h : o.aia_allow_hosts) {
      if (h.empty() || h.find_first_of(" /\\@?#") != std::string::npos) {
        throw UsageError{"--aia-allow-host \"" + h + "\" is not a host or host:port"};
      }
      policy.allowed_hosts.push_back(h);
    }
    v.fetch_issuer = [policy](const std::string& url) {
      imds::AiaFetchResult r = imds::fetch_aia(url, policy);
      return attest::FetchedIssuer{std::move(r.bytes), std::move(r.error)};
    };
  } else if (!o.aia_allow_hosts.empty()) {
    throw UsageError{"--aia-allow-host has no effect without --fetch-intermediates"};
  }
  return v;
}

void add_verification_options(CLI::App* cmd, VerifyCommandOptions& o) {
  cmd->add_option("--ca-file", o.ca_files,
                  "PEM certificates to trust as anchors, in addition to the bundled ones")
      ->type_name("PEM");
  cmd->add_option("--intermediates-file", o.intermediate_files,
                  "PEM certificates to use as untrusted intermediates")
      ->type_name("PEM");
  cmd->add_flag("--system-store", o.system_store, "Also trust the OS certificate store");
  cmd->add_flag("--no-bundled-anchors", o.no_bundled,
                "Do not trust the bundled Microsoft/DigiCert CAs (use with --ca-file)");
  cmd->add_option("--cloud", o.cloud, "Accept only this cloud's signer")
      ->check(CLI::IsMember({"public", "usgov", "china", "germany"}));
  cmd->add_option("--signer-domain", o.signer_domains,
                  "Accept signers named D or *.D (replaces the cloud list; repeatable)")
      ->type_name("D");
  cmd->add_option("--at", o.at,
                  "Verify as of TIME (2026-11-23T18:00:00Z, @unix, or IMDS form) instead of now")
      ->type_name("TIME");
  cmd->add_option("--skew", o.skew_seconds, "Seconds of clock skew allowed around timeStamp")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  cmd->add_option("--max-bytes", o.max_bytes, "Largest document accepted")
      ->capture_default_str()
      ->check(CLI::Range(1024, 16 * 1024 * 1024));
  cmd->add_option("--output,-o", o.output,
                  "text, json, or summary (one line of at most 2,048 ASCII bytes, for Intune and "
                  "Run Command; not with --batch)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "summary"}));
  cmd->add_flag("--fetch-intermediates", o.fetch_intermediates,
                "Fetch a missing issuer from the certificate's AIA address (allow-listed hosts "
                "only; off by default: the tool never touches the network unless asked)");
  cmd->add_option("--aia-allow-host", o.aia_allow_hosts,
                  "Also allow AIA fetches from HOST or HOST:PORT (repeatable)")
      ->type_name("HOST");
  cmd->add_option("--warn-expiry-days", o.warn_expiry_days,
                  "Warn when a CA certificate of the chain expires within DAYS (0: never)")
      ->capture_default_str()
      ->type_name("DAYS")
      ->check(CLI::Range(0, 3650));
  cmd->add_flag("--no-cache", o.no_cache, "Do not cache signer certificates (for comparison)");
}

std::vector<std::string> checked_endpoints(const std::vector<std::string>& endpoints) {
  std::vector<std::string> out;
  for (const auto& e : endpoints) {
    if (e.rfind("http://", 0) != 0 || e.size() <= 7 || e.find_first_of(" ?#") != std::string::npos) {
      throw UsageError{"--endpoint \"" + e + "\" is not a base URL like http://169.254.169.254 "
                       "or http://127.0.0.1:8080 (IMDS is plain HTTP, no path)"};
    }
    std::string trimmed = e;
    while (trimmed.back() == '/') trimmed.pop_back();
    out.push_back(trimmed);
  }
  return out;
}

}  // namespace hciattest::cli
