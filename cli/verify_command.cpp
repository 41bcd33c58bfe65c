#include "cli/verify_command.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "attest/signer_policy.h"
#include "attest/verifier.h"
#include "cli/batch_runner.h"
#include "cli/exit_codes.h"
#include "cli/input_file.h"
#include "cli/time_arg.h"
#include "cli/usage_error.h"
#include "cli/utf8_path.h"
#include "cli/verify_render.h"
#include "hostcheck/platform.h"
#include "imds/aia_fetcher.h"
#include "io/bounded_read.h"

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

namespace {

// The document, read up to one byte past --max-bytes: a larger one reaches the verifier as that
// prefix, which it rejects as envelope_too_large, so a 2 GB file or an endless pipe costs the
// cap and no more.
std::string read_document(const VerifyCommandOptions& o, CommandIo& io) {
  io::ReadResult r = o.input == "-" ? io::read_at_most(io.in, o.max_bytes)
                                    : io::read_file_at_most(utf8_path(o.input), o.max_bytes);
  throw_if_unreadable(r, "the document \"" + o.input + "\"");
  return std::move(r.bytes);
}

int run_single(attest::Verifier& verifier, const VerifyCommandOptions& o, CommandIo& io) {
  attest::VerificationReport report = verifier.verify(read_document(o, io));
  if (o.output == "json") {
    io.out << report_to_json(report, verifier.options().time).dump(2) << "\n";
  } else if (o.output == "summary") {
    io.out << render_summary(verification_summary("verify", report, hostcheck::computer_name())) << "\n";
  } else {
    io.out << report_to_text(report, verifier.options().time, io.color);
  }
  return report.verified ? kExitOk : kExitFailed;
}

// One document per line: the IMDS JSON body (optionally with "expected_nonce" added by the
// relying party) or a bare base64 signature. Blank lines are skipped.
// The member of a batch line that carries the nonce the relying party sent for that document.
constexpr const char* kBatchNonceMember = "expected_nonce";

// --jobs unset: one worker per core (hardware_concurrency may say 0: then one).
unsigned batch_jobs(const VerifyCommandOptions& o) {
  if (o.jobs) return *o.jobs;
  return std::max(1u, std::thread::hardware_concurrency());
}

int run_batch_command(std::shared_ptr<const attest::TrustStore> trust, const attest::VerifyOptions& options,
              const VerifyCommandOptions& o, CommandIo& io) {
  std::ifstream file;
  std::istream* in = &io.in;
  if (*o.batch != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(utf8_path(*o.batch), ec)) {
      throw UsageError{"--batch \"" + *o.batch + "\" is a folder: give the JSON-lines file in it"};
    }
    errno = 0;
    file.open(utf8_path(*o.batch), std::ios::binary);
    if (!file) {
      throw UsageError{"cannot open --batch \"" + *o.batch + "\": " +
                       std::string(errno != 0 ? std::strerror(errno) : "unknown error") +
                       ": check the path and that you may read it"};
    }
    in = &file;
  }
  // Each line is read up to one byte past --max-bytes. A longer line reaches the verifier as that
  // prefix (envelope_too_large, with its line number) and its report is written at once; the
  // reader then skips the rest of it without keeping it, so the lines after it are verified and
  // an endless line holds no memory.
  io::LineReader reader(*in, o.max_bytes);
  // The verifier reads the line's "expected_nonce" with the envelope (kBatchNonceMember), so
  // that a line is scanned once: parsing each line here cost more than verifying it.
  const bool json = o.output == "json";
  const BatchCounts counts = run_batch(
      reader, [&] { return std::make_unique<attest::Verifier>(trust, options); }, batch_jobs(o),
      [json](std::size_t line, const attest::VerificationReport& report) {
        return json ? batch_line_json(line, report).dump() : batch_line_text(line, report);
      },
      io.out);
  io.err << counts.verified << " verified, " << counts.rejected << " rejected\n";
  if (reader.read_failed()) {
    // Never an exit 0 for a batch that was not read to its end.
    throw UsageError{"reading --batch \"" + *o.batch + "\" failed after line " +
                     std::to_string(reader.line_number()) +
                     ": the lines after it were not verified; check the file or the pipe"};
  }
  return counts.rejected == 0 ? kExitOk : kExitFailed;
}

}  // namespace

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

CLI::App* add_verify_command(CLI::App& app, VerifyCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Verify an IMDS attested document: PKCS#7 signature, certificate chain, signer, validity, "
      "nonce and timeStamp");
  cmd->add_option("document", o.input,
                  "The IMDS response body, a bare base64 signature, or DER; '-' reads stdin")
      ->capture_default_str();
  cmd->add_option("--batch", o.batch,
                  "Verify one document per line (JSON lines) from FILE or '-'; a line may add "
                  "\"expected_nonce\"")
      ->type_name("FILE");
  cmd->add_option("--jobs,-j", o.jobs,
                  "With --batch: verify on N threads (default: one per core); results keep the "
                  "input order")
      ->type_name("N")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--nonce", o.nonce, "The nonce sent with the request; must match the payload");
  add_verification_options(cmd, o);
  return cmd;
}

int run_verify(const VerifyCommandOptions& o, CommandIo& io) {
  try {
    auto trust = build_trust(o);
    attest::VerifyOptions options = build_options(o, io);
    if (o.batch) {
      if (o.output == "summary") {
        throw UsageError{"--output summary is one line for one document: with --batch use json or "
                         "text (one line per document) and the counts on standard error"};
      }
      options.nonce_member = kBatchNonceMember;
      return run_batch_command(trust, options, o, io);
    }
    if (o.jobs) throw UsageError{"--jobs has no effect without --batch"};
    attest::Verifier verifier(trust, std::move(options));
    return run_single(verifier, o, io);
  } catch (const UsageError& e) {
    io.err << "hciattest verify: " << e.message << "\n";
    return kExitUsage;
  }
}

}  // namespace hciattest::cli
