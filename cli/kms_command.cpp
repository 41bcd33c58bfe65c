#include "cli/kms_command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <optional>
#include <sstream>

#include "activation/kms_diagnosis.h"
#include "activation/kms_hosts.h"
#include "activation/machine.h"
#include "cli/exit_codes.h"
#include "cli/usage_error.h"
#include "hostcheck/network.h"

namespace hciattest::cli {
namespace {

using activation::KmsProbeReport;
using activation::KmsVerdict;

const char* stage_id(activation::ExchangeStage s) {
  switch (s) {
    case activation::ExchangeStage::kConnect: return "connect";
    case activation::ExchangeStage::kSend: return "send";
    case activation::ExchangeStage::kReceive: return "receive";
    case activation::ExchangeStage::kComplete: return "complete";
  }
  return "connect";
}

nlohmann::json attempt_json(const activation::KmsAddressAttempt& a) {
  nlohmann::json j = {{"address", a.address},
                      {"stage", stage_id(a.exchange.stage)},
                      {"connect_ms", a.exchange.connect_ms},
                      {"total_ms", a.exchange.total_ms},
                      {"reply_bytes", a.exchange.reply.size()},
                      {"error", a.exchange.error}};
  if (!a.exchange.reply.empty()) {
    nlohmann::json contexts = nlohmann::json::array();
    for (const auto& c : a.bind.contexts) {
      contexts.push_back(
          {{"result", c.result}, {"reason", c.reason}, {"transfer_syntax", c.transfer_syntax}});
    }
    j["bind"] = {{"outcome", activation::bind_outcome_id(a.bind.outcome)},
                 {"detail", a.bind.detail},
                 {"ptype", a.bind.ptype},
                 {"secondary_address", a.bind.secondary_address},
                 {"contexts", contexts}};
    if (a.bind.outcome == activation::BindOutcome::kBindNak) j["bind"]["nak_reason"] = a.bind.nak_reason;
  }
  return j;
}

}  // namespace

CLI::App* add_kms_command(CLI::App& app, KmsProbeCommandOptions& o) {
  CLI::App* kms = app.add_subcommand("kms", "Classic KMS activation (Server SKUs on Azure and AWS)");
  kms->require_subcommand(1);
  CLI::App* probe = kms->add_subcommand(
      "probe",
      "Is a KMS host answering at HOST[:PORT]? Resolves the name, connects, and sends one "
      "DCE/RPC bind to the KMS interface (never an activation request). Exit 0 when every target "
      "is a KMS host, 1 otherwise");
  probe->add_option("target", o.targets,
                    "HOST[:PORT] (port 1688 by default; IPv6 in brackets: [fd00:ec2::240]:1688)");
  probe->add_option("--cloud", o.cloud,
                    "Probe this cloud's KMS hosts (the table in docs/user-guide.md) when no "
                    "target is given")
      ->check(CLI::IsMember({"public", "usgov", "china", "germany", "aws"}));
  probe->add_option("--timeout", o.timeout_seconds, "Seconds per address (connect, bind, answer)")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 120.0));
  probe->add_option("--output,-o", o.output, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  return probe;
}

std::vector<activation::KmsTarget> kms_probe_targets(const KmsProbeCommandOptions& o) {
  std::vector<activation::KmsTarget> out;
  if (o.targets.empty()) {
    if (o.cloud.empty()) {
      throw UsageError{"give a KMS host (HOST[:PORT]) or --cloud public|usgov|china|germany|aws "
                       "to probe that cloud's KMS hosts"};
    }
    for (const auto& e : activation::kms_hosts_for(o.cloud)) {
      activation::KmsTarget t;
      t.host = e.host;
      t.port = e.port;
      out.push_back(t);
    }
    return out;
  }
  for (const auto& text : o.targets) {
    auto parsed = activation::parse_kms_target(text);
    if (!parsed.target) throw UsageError{"KMS host \"" + text + "\": " + parsed.error};
    out.push_back(*parsed.target);
  }
  return out;
}

nlohmann::json kms_probe_to_json(const std::vector<KmsProbeReport>& reports) {
  nlohmann::json results = nlohmann::json::array();
  bool all = !reports.empty();
  for (const auto& r : reports) {
    nlohmann::json attempts = nlohmann::json::array();
    for (const auto& a : r.attempts) attempts.push_back(attempt_json(a));
    results.push_back({{"target", r.target.text()},
                       {"verdict", activation::kms_verdict_id(r.verdict)},
                       {"kms_host", r.verdict == KmsVerdict::kKmsEndpoint},
                       {"summary", r.summary},
                       {"addresses", r.addresses},
                       {"resolve_error", r.resolve_error},
                       {"attempts", attempts},
                       {"evidence", r.evidence},
                       {"remedy", r.remedy}});
    all = all && r.verdict == KmsVerdict::kKmsEndpoint;
  }
  return {{"schema", kKmsProbeSchema}, {"all_kms_hosts", all}, {"results", results}};
}

std::string kms_probe_to_text(const std::vector<KmsProbeReport>& reports, bool color) {
  std::ostringstream s;
  for (const auto& r : reports) {
    const bool ok = r.verdict == KmsVerdict::kKmsEndpoint;
    const char* mark = ok ? "PASS" : "FAIL";
    if (color) s << (ok ? "\x1b[32m" : "\x1b[31m") << mark << "\x1b[0m";
    else s << mark;
    s << "  " << r.target.text() << "  " << activation::kms_verdict_id(r.verdict) << "\n";
    s << "      " << r.summary << "\n";
    for (const auto& e : r.evidence) s << "      - " << e << "\n";
    if (!r.remedy.empty()) s << "      remedy: " << r.remedy << "\n";
  }
  return s.str();
}

int run_kms_probe(const KmsProbeCommandOptions& o, CommandIo& io,
                  const activation::KmsProbeDeps& deps, const FirewallReader& read_firewall) {
  std::vector<activation::KmsTarget> targets;
  try {
    targets = kms_probe_targets(o);
  } catch (const UsageError& e) {
    io.err << "hciattest kms probe: " << e.message << "\n";
    return kExitUsage;
  }
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_seconds * 1000));
  std::vector<KmsProbeReport> reports;
  std::optional<activation::FirewallReading> firewall;
  bool all = true;
  for (const auto& t : targets) {
    reports.push_back(activation::probe_kms(t, timeout, deps));
    KmsProbeReport& r = reports.back();
    all = all && r.verdict == KmsVerdict::kKmsEndpoint;
    if (r.verdict != KmsVerdict::kUnreachable && r.verdict != KmsVerdict::kNoAnswer) continue;
    // Silent: name the cause when the machine can tell (the firewall is read once, when needed).
    if (!firewall && read_firewall) firewall = read_firewall();
    activation::KmsSilenceContext why;
    why.firewall = firewall ? &*firewall : nullptr;
    activation::explain_kms_silence(r, why);
  }
  if (o.output == "json") io.out << kms_probe_to_json(reports).dump(2) << "\n";
  else io.out << kms_probe_to_text(reports, io.color);
  return all ? kExitOk : kExitFailed;
}

int run_kms_probe(const KmsProbeCommandOptions& o, CommandIo& io) {
  auto inspector = hostcheck::make_network_inspector();
  return run_kms_probe(o, io, activation::kms_probe_deps(*inspector), activation::read_firewall);
}

}  // namespace hciattest::cli
