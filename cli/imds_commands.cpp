#include "cli/imds_commands.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "attest/signer_policy.h"
#include "attest/verifier.h"
#include "cli/exit_codes.h"
#include "cli/usage_error.h"
#include "io/utf8_path.h"
#include "cli/verify_render.h"
#include "doctor/imds_document.h"
#include "emulator/server.h"
#include "hostcheck/network.h"
#include "hostcheck/platform.h"
#include "imds/client.h"

namespace hciattest::cli {
namespace {

using nlohmann::json;

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop = true; }

void add_fetch_options(CLI::App* cmd, FetchCommandOptions& o) {
  cmd->add_option("--endpoint", o.endpoints,
                  "IMDS base URL, tried in the order given (repeatable); default "
                  "http://169.254.169.254 then http://169.254.169.253")
      ->type_name("URL");
  cmd->add_option("--api-version", o.api_version,
                  std::string("IMDS api-version (default ") + imds::kDefaultApiVersion + ")");
  cmd->add_option("--nonce", o.nonce, "Nonce to send (1-32 letters or digits); default: a fresh one");
  cmd->add_option("--timeout", o.timeout_seconds, "Overall time limit in seconds, retries included")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 600.0));
  cmd->add_option("--attempt-timeout", o.attempt_timeout_ms, "Time limit of one HTTP exchange (ms)")
      ->capture_default_str()
      ->check(CLI::Range(50, 60000));
  cmd->add_option("--head-start", o.head_start_ms,
                  "Milliseconds the first endpoint runs alone before the next one joins "
                  "(default 250; 0 when this VM has the HCI guest's IMDS adapter)")
      ->check(CLI::Range(0, 60000));
  cmd->add_flag("--sequential", o.sequential,
                "Wait each endpoint out before trying the next (slower; for comparison)");
}

imds::ImdsRequest build_request(const FetchCommandOptions& o) {
  imds::ImdsRequest req;
  if (!o.endpoints.empty()) req.endpoints = checked_endpoints(o.endpoints);
  if (!o.api_version.empty()) req.api_version = o.api_version;
  if (o.nonce) {
    if (!imds::valid_nonce(*o.nonce)) {
      throw UsageError{"--nonce \"" + *o.nonce + "\" must be 1 to 32 letters or digits"};
    }
    req.nonce = o.nonce;
  }
  req.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_seconds * 1000));
  req.attempt_timeout = std::chrono::milliseconds(o.attempt_timeout_ms);
  req.sequential = o.sequential;
  return req;
}

// The race's start on this machine: the HCI adapter is looked for only when it can matter.
doctor::RaceStart race_start_here(const FetchCommandOptions& o) {
  std::optional<std::string> hci_adapter;
  if (o.endpoints.empty() && !o.head_start_ms && !o.sequential) {
    auto net = hostcheck::make_network_inspector();
    auto adapters = net->adapters();
    auto route = net->route_to("169.254.169.253");
    if (adapters.ok() && route.ok()) hci_adapter = hostcheck::hci_imds_adapter(*adapters.value, *route.value);
  }
  return doctor::race_start(o.endpoints.empty(), o.head_start_ms, o.sequential, hci_adapter);
}

imds::ImdsRequest build_request_here(const FetchCommandOptions& o, std::string& race_why) {
  imds::ImdsRequest req = build_request(o);
  const doctor::RaceStart race = race_start_here(o);
  req.head_start = race.head_start;
  race_why = race.why;
  return req;
}

json trace_json(const imds::ImdsResult& r, const std::string& race_why) {
  json attempts = json::array();
  for (const auto& a : r.trace) {
    attempts.push_back({{"endpoint", a.endpoint},
                        {"start_ms", a.start_ms},
                        {"duration_ms", a.duration_ms},
                        {"status", a.status},
                        {"error", a.error},
                        {"decision", a.decision}});
  }
  return {{"ok", r.ok},          {"endpoint", r.endpoint}, {"url", r.url},
          {"nonce", r.nonce},    {"api_version", r.api_version},
          {"status", r.status},  {"error", r.error},
          {"elapsed_ms", r.elapsed_ms}, {"race", race_why}, {"attempts", attempts}};
}

std::string trace_text(const imds::ImdsResult& r, const std::string& race_why) {
  std::string out = r.ok ? "fetched from " + r.endpoint + " in " + std::to_string(r.elapsed_ms) + " ms"
                         : "IMDS FETCH FAILED after " + std::to_string(r.elapsed_ms) + " ms: " + r.error;
  out += "\n";
  if (!race_why.empty()) out += "  race: " + race_why + "\n";
  for (const auto& a : r.trace) {
    out += "  +" + std::to_string(a.start_ms) + " ms  " + a.endpoint + "  " +
           (a.status != 0 ? "HTTP " + std::to_string(a.status) : a.error) + "  (" +
           std::to_string(a.duration_ms) + " ms) " + a.decision + "\n";
  }
  return out;
}

}  // namespace

CLI::App* add_fetch_command(CLI::App& app, FetchCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "fetch", "Fetch the attested document from IMDS (no verification) and print it");
  add_fetch_options(cmd, o);
  o.output = "raw";
  cmd->add_option("--output,-o", o.output, "raw: the response body; json: body and attempt trace")
      ->capture_default_str()
      ->check(CLI::IsMember({"raw", "json"}));
  return cmd;
}

CLI::App* add_attest_command(CLI::App& app, FetchCommandOptions& fetch, VerifyCommandOptions& verify) {
  CLI::App* cmd = app.add_subcommand(
      "attest", "Fetch the attested document with a fresh nonce and verify it, in one report");
  add_fetch_options(cmd, fetch);
  add_verification_options(cmd, verify);
  return cmd;
}

int run_fetch(const FetchCommandOptions& o, CommandIo& io) {
  try {
    std::string race;
    imds::ImdsResult r = imds::fetch(build_request_here(o, race), imds::real_environment());
    if (o.output == "json") {
      json out = trace_json(r, race);
      out["schema"] = "hciattest.fetch/1";
      out["body"] = r.ok ? json::parse(r.body, nullptr, false) : json();
      io.out << out.dump(2) << "\n";
    } else if (r.ok) {
      io.out << r.body << "\n";
    }
    if (!r.ok) io.err << trace_text(r, race);
    return r.ok ? kExitOk : kExitFailed;
  } catch (const UsageError& e) {
    io.err << "hciattest fetch: " << e.message << "\n";
    return kExitUsage;
  }
}

int run_attest(const FetchCommandOptions& fo, const VerifyCommandOptions& vo, CommandIo& io) {
  try {
    imds::ImdsRequest req = build_request(fo);
    auto trust = build_trust(vo);
    attest::VerifyOptions options = build_options(vo, io);
    // After every argument is checked: a usage error costs no look at the machine.
    const doctor::RaceStart race = race_start_here(fo);
    req.head_start = race.head_start;
    imds::ClientEnvironment env = imds::real_environment();
    imds::ImdsResult fetched = imds::fetch(req, env);
    json j = {{"schema", "hciattest.attest/1"}, {"fetch", trace_json(fetched, race.why)}};
    if (!fetched.ok) {
      if (vo.output == "summary") {
        Summary s;
        s.command = "attest";
        s.verdict = "rejected";
        s.machine = hostcheck::computer_name();
        s.fields = {{"code", "fetch_failed"}};
        s.remedy = "no IMDS endpoint answered: " + fetched.error +
                   "; hciattest doctor shows the path (adapter, route, proxy, firewall)";
        io.out << render_summary(s) << "\n";
      } else if (vo.output == "json") {
        j["verification"] = json();
        j["verified"] = false;
        io.out << j.dump(2) << "\n";
      } else {
        io.out << "REJECTED  could not fetch the attested document\n" << trace_text(fetched, race.why);
      }
      return kExitFailed;
    }
    options.expected_nonce = fetched.nonce;
    attest::Verifier verifier(trust, options);
    std::string note;
    attest::VerificationReport report = doctor::verify_fetched(req, fetched, verifier, env, note);
    if (!note.empty()) j["fetch"] = trace_json(fetched, race.why);
    if (vo.output == "summary") {
      Summary s = verification_summary("attest", report, hostcheck::computer_name());
      s.fields.insert(s.fields.begin(), {"endpoint", fetched.endpoint});
      io.out << render_summary(s) << "\n";
    } else if (vo.output == "json") {
      j["verification"] = report_to_json(report, options.time);
      j["verified"] = report.verified;
      if (!note.empty()) j["note"] = note;
      io.out << j.dump(2) << "\n";
    } else {
      io.out << report_to_text(report, options.time, io.color) << "\nIMDS: "
             << trace_text(fetched, race.why);
      if (!note.empty()) io.out << "  note: " << note << "\n";
    }
    return report.verified ? kExitOk : kExitFailed;
  } catch (const UsageError& e) {
    io.err << "hciattest attest: " << e.message << "\n";
    return kExitUsage;
  }
}

CLI::App* add_emulate_command(CLI::App& app, EmulateCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "emulate",
      "Run an IMDS emulator (Azure or Azure Stack HCI host) that signs attested documents with a "
      "generated test PKI and can play every fault");
  cmd->add_option("--listen", o.listen, "ADDR:PORT to listen on")->capture_default_str();
  cmd->add_option("--cloud", o.cloud, "Cloud whose signer name to use")
      ->capture_default_str()
      ->check(CLI::IsMember({"public", "usgov", "china", "germany"}));
  cmd->add_option("--signer-name", o.signer_name, "Signer CN instead of the cloud's (e.g. an HCI name)");
  cmd->add_option("--pki", o.pki_dir, "Load the signing PKI from DIR instead of generating one")
      ->type_name("DIR");
  cmd->add_option("--save-pki", o.save_pki_dir, "Write the PKI (certificates and keys) to DIR")
      ->type_name("DIR");
  cmd->add_option("--root-out", o.root_out,
                  "Write the root CA here, for `--ca-file` (written once listening)")
      ->capture_default_str();
  cmd->add_option("--duration", o.duration_seconds, "Stop after this many seconds (0: on SIGINT/SIGTERM)")
      ->capture_default_str();
  cmd->add_flag("--quiet", o.quiet, "Do not log requests to stderr");
  auto faults = "Faults (combinable)";
  cmd->add_option("--boot-410", o.boot_410, "Answer 410 (not ready) for SECONDS after start")
      ->group(faults);
  cmd->add_option("--rate-limit", o.rate_limit, "Answer 429 with Retry-After beyond RPS requests/s")
      ->group(faults);
  cmd->add_option("--fail-every", o.fail_every, "Answer 500 to every K-th request")->group(faults);
  cmd->add_option("--delay", o.delay_ms, "Wait MS before each answer")->group(faults);
  cmd->add_flag("--drip", o.drip, "Send bodies slowly (~1.5 s each)")->group(faults);
  cmd->add_flag("--oversize", o.oversize, "Pad documents past 64 KiB")->group(faults);
  cmd->add_option("--malformed", o.malformed, "Break the document: json, base64 or pkcs7")
      ->check(CLI::IsMember({"json", "base64", "pkcs7"}))
      ->group(faults);
  cmd->add_flag("--wrong-signer", o.wrong_signer,
                "Sign with CN=metadata.azure.com.evil.example (same CA)")->group(faults);
  cmd->add_flag("--expired", o.expired, "Sign with an expired certificate and a stale timeStamp")
      ->group(faults);
  cmd->add_flag("--reset", o.reset, "Close every connection without an answer")->group(faults);
  cmd->add_flag("--stale-nonce", o.stale_nonce,
                "Answer with the previous request's nonce, as IMDS's cache does")->group(faults);
  auto vm = "VM identity";
  cmd->add_option("--vm-id", o.vm_id, "vmId to report")->group(vm);
  cmd->add_option("--sku", o.sku, "sku to report")->group(vm);
  cmd->add_option("--license-type", o.license_type, "licenseType to report")->group(vm);
  return cmd;
}

int run_emulate(const EmulateCommandOptions& o, CommandIo& io) {
  try {
    const std::string signer = o.signer_name ? *o.signer_name
                                             : std::string(attest::signer_domains_for_cloud(o.cloud)->front());
    std::shared_ptr<emulator::SigningPki> pki;
    try {
      pki = std::make_shared<emulator::SigningPki>(
          o.pki_dir ? emulator::SigningPki::load(*o.pki_dir, io.now())
                    : emulator::SigningPki::generate(signer, io.now()));
      if (o.save_pki_dir) pki->save(*o.save_pki_dir);
    } catch (const std::runtime_error& e) {
      throw UsageError{e.what()};
    }
    emulator::Faults f;
    f.boot_410_seconds = o.boot_410;
    f.rate_limit_rps = o.rate_limit;
    f.fail_every = o.fail_every;
    f.delay_ms = o.delay_ms;
    f.drip = o.drip;
    f.oversize = o.oversize;
    f.malformed = o.malformed;
    f.wrong_signer = o.wrong_signer;
    f.expired = o.expired;
    f.reset = o.reset;
    f.stale_nonce = o.stale_nonce;
    emulator::VmIdentity vm;
    if (!o.vm_id.empty()) vm.vm_id = o.vm_id;
    if (!o.sku.empty()) vm.sku = o.sku;
    if (!o.license_type.empty()) vm.license_type = o.license_type;
    auto emu = std::make_shared<emulator::ImdsEmulator>(
        pki, f, vm, io.now, [] { return std::chrono::steady_clock::now(); });
    std::ostream& err = io.err;
    std::function<void(const std::string&)> log;
    if (!o.quiet) log = [&err](const std::string& line) { err << "emulate: " + line + "\n" << std::flush; };
    emulator::EmulatorServer server(emu, o.listen, log);
    try {
      server.start();
    } catch (const std::runtime_error& e) {
      throw UsageError{e.what()};
    }
    {
      std::ofstream root(io::utf8_path(o.root_out), std::ios::trunc);
      if (!root) throw UsageError{"cannot write --root-out \"" + o.root_out + "\""};
      root << pki->root_pem();
    }
    io.err << "emulate: listening on " << server.base_url() << " as " << signer
           << "; trust it with --ca-file " << o.root_out << "\n"
           << std::flush;
    g_stop = false;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<std::int64_t>(o.duration_seconds * 1000));
    while (!g_stop && (o.duration_seconds <= 0 || std::chrono::steady_clock::now() < until)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    server.stop();
    io.err << "emulate: stopped after " << emu->requests() << " request(s)\n";
    return kExitOk;
  } catch (const UsageError& e) {
    io.err << "hciattest emulate: " << e.message << "\n";
    return kExitUsage;
  }
}

}  // namespace hciattest::cli
