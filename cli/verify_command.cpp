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
#include "cli/usage_error.h"
#include "io/utf8_path.h"
#include "cli/verify_render.h"
#include "hostcheck/platform.h"
#include "io/bounded_read.h"

namespace hciattest::cli {

namespace {

// The document, read up to one byte past --max-bytes: a larger one reaches the verifier as that
// prefix, which it rejects as envelope_too_large, so a 2 GB file or an endless pipe costs the
// cap and no more.
std::string read_document(const VerifyCommandOptions& o, CommandIo& io) {
  io::ReadResult r = o.input == "-" ? io::read_at_most(io.in, o.max_bytes)
                                    : io::read_file_at_most(io::utf8_path(o.input), o.max_bytes);
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
    if (std::filesystem::is_directory(io::utf8_path(*o.batch), ec)) {
      throw UsageError{"--batch \"" + *o.batch + "\" is a folder: give the JSON-lines file in it"};
    }
    errno = 0;
    file.open(io::utf8_path(*o.batch), std::ios::binary);
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
