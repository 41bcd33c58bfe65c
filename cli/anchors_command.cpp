#include "cli/anchors_command.h"

#include <CLI/CLI.hpp>

#include <fstream>

#include "cli/exit_codes.h"
#include "cli/input_file.h"
#include "cli/usage_error.h"
#include "io/utf8_path.h"
#include "cli/verify_render.h"

namespace hciattest::cli {
namespace {

using attest::AnchorEntry;
using attest::CertificateRole;
using nlohmann::json;

std::string describe_kind(const AnchorEntry& e) {
  return std::string(e.root ? "root" : "intermediate") + ", " +
         std::string(attest::role_id(e.role));
}

void write_export(const AnchorsCommandOptions& o, const std::vector<AnchorEntry>& entries,
                  CommandIo& io) {
  if (!o.out) throw UsageError{"--export needs --out FILE (for example --out ca.crt)"};
  auto found = attest::find_anchor(entries, *o.export_name);
  if (found.empty()) {
    throw UsageError{"--export \"" + *o.export_name +
                     "\" names no certificate: give a name, subject CN or SHA-256 prefix that "
                     "`hciattest anchors` lists"};
  }
  if (found.size() > 1) {
    std::string names;
    for (const auto* e : found) names += (names.empty() ? "" : ", ") + e->name;
    throw UsageError{"--export \"" + *o.export_name + "\" matches " +
                     std::to_string(found.size()) + " certificates (" + names +
                     "): give one of those names"};
  }
  const AnchorEntry& e = *found.front();
  std::ofstream f(io::utf8_path(*o.out), std::ios::binary | std::ios::trunc);
  if (o.der) {
    f.write(reinterpret_cast<const char*>(e.der.data()), static_cast<std::streamsize>(e.der.size()));
  } else {
    f << attest::to_pem(e.der);
  }
  f.close();
  if (!f) {
    throw UsageError{"cannot write --out \"" + *o.out + "\": check the folder exists and is writable"};
  }
  io.out << "wrote " << e.name << " (" << e.certificate.subject << ", SHA-256 "
         << e.certificate.sha256_hex << ") to " << *o.out << (o.der ? " as DER" : " as PEM")
         << "\n";
  io.out << (e.root ? "install it as a root: certutil -addstore Root " + *o.out
                    : "install it as an intermediate: certutil -addstore CA " + *o.out)
         << "\n";
}

}  // namespace

CLI::App* add_anchors_command(CLI::App& app, AnchorsCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "anchors",
      "List the CA certificates hciattest trusts (bundled, plus --ca-file/--intermediates-file), "
      "warn before they expire, export one for the Windows certificate store");
  cmd->add_option("--ca-file", o.ca_files, "Also list these PEM anchors (as verify takes them)")
      ->type_name("PEM");
  cmd->add_option("--intermediates-file", o.intermediate_files,
                  "Also list these PEM intermediates (as verify takes them)")
      ->type_name("PEM");
  cmd->add_option("--output,-o", o.output, "Output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--expiring-within", o.expiring_within_days,
                  "Exit 3 when a bundled certificate that is still valid expires within DAYS")
      ->type_name("DAYS")
      ->check(CLI::Range(0, 36500));
  auto* exp = cmd->add_option("--export", o.export_name,
                              "Write one certificate (name, subject CN or SHA-256 prefix) to --out")
                  ->type_name("NAME");
  cmd->add_option("--out", o.out, "File --export writes (PEM unless --der)")
      ->type_name("FILE")
      ->needs(exp);
  cmd->add_flag("--der", o.der, "With --export: write DER (a .cer/.crt Windows opens) instead of PEM")
      ->needs(exp);
  return cmd;
}

std::vector<AnchorEntry> collect_anchors(const AnchorsCommandOptions& o) {
  std::vector<AnchorEntry> entries = attest::bundled_anchors();
  for (const auto& f : o.ca_files) {
    const std::string pem = read_option_file(f, "--ca-file", kMaxPemFileBytes, kPemOverCapHint);
    auto st = attest::read_certificates(pem, f, CertificateRole::kAnchor, entries);
    if (!st.ok) throw UsageError{"--ca-file: " + st.message};
  }
  for (const auto& f : o.intermediate_files) {
    const std::string pem =
        read_option_file(f, "--intermediates-file", kMaxPemFileBytes, kPemOverCapHint);
    auto st = attest::read_certificates(pem, f, CertificateRole::kIntermediate, entries);
    if (!st.ok) throw UsageError{"--intermediates-file: " + st.message};
  }
  return entries;
}

std::vector<const AnchorEntry*> expiring_bundled(const std::vector<AnchorEntry>& entries,
                                                 std::int64_t now, std::int64_t days) {
  std::vector<const AnchorEntry*> out;
  for (const auto& e : entries) {
    if (e.source != "bundled" || attest::validity_at(e, now) != attest::ValidityAt::kValid) continue;
    if (e.certificate.not_after_unix - now <= days * 86400) out.push_back(&e);
  }
  return out;
}

json anchors_to_json(const std::vector<AnchorEntry>& entries, std::int64_t now) {
  json list = json::array();
  for (const auto& e : entries) {
    const auto& c = e.certificate;
    list.push_back({{"name", e.name},
                    {"source", e.source},
                    {"kind", e.root ? "root" : "intermediate"},
                    {"role", attest::role_id(e.role)},
                    {"subject", c.subject},
                    {"issuer", c.issuer},
                    {"serial", c.serial_hex},
                    {"sha256", c.sha256_hex},
                    {"not_before", c.not_before},
                    {"not_after", c.not_after},
                    {"validity", attest::validity_id(attest::validity_at(e, now))},
                    {"days_left", (c.not_after_unix - now) / 86400},
                    {"ca", e.is_ca},
                    {"ca_issuers", c.ca_issuers_urls}});
  }
  return {{"schema", kAnchorsSchema}, {"time", iso8601(now)}, {"certificates", list}};
}

std::string anchors_to_text(const std::vector<AnchorEntry>& entries, std::int64_t now) {
  std::string out = "trust bundle and added certificates as of " + iso8601(now) + "\n";
  for (const auto& e : entries) {
    const auto& c = e.certificate;
    const auto v = attest::validity_at(e, now);
    std::string state = v == attest::ValidityAt::kValid
                            ? "valid, " + std::to_string((c.not_after_unix - now) / 86400) + " days left"
                        : v == attest::ValidityAt::kExpired ? "EXPIRED (kept for verify --at)"
                                                            : "not yet valid";
    out += "\n" + e.name + "  [" + describe_kind(e) + ", " + e.source + "]\n";
    out += "  subject  " + c.subject + "\n";
    out += "  issuer   " + c.issuer + "\n";
    out += "  sha256   " + c.sha256_hex + "\n";
    out += "  valid    " + c.not_before + " to " + c.not_after + "  (" + state + ")\n";
  }
  return out;
}

int run_anchors(const AnchorsCommandOptions& o, CommandIo& io) {
  try {
    const std::int64_t now = io.now();
    std::vector<AnchorEntry> entries = collect_anchors(o);
    if (o.export_name) {
      write_export(o, entries, io);
      return kExitOk;
    }
    if (o.output == "json") {
      io.out << anchors_to_json(entries, now).dump(2) << "\n";
    } else {
      io.out << anchors_to_text(entries, now);
    }
    if (!o.expiring_within_days) return kExitOk;
    auto soon = expiring_bundled(entries, now, *o.expiring_within_days);
    for (const auto* e : soon) {
      io.err << "hciattest anchors: warning: bundled " << e->name << " (" << e->certificate.subject
             << ") expires on " << e->certificate.not_after
             << ": update hciattest before then, or pass its successor with --intermediates-file\n";
    }
    return soon.empty() ? kExitOk : kExitWarnings;
  } catch (const UsageError& e) {
    io.err << "hciattest anchors: " << e.message << "\n";
    return kExitUsage;
  }
}

}  // namespace hciattest::cli
