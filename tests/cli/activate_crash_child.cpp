// A child process for tests/cli/activate_crash_test.cpp: `hciattest activate --apply` or `--undo`
// (cli::run_activate, the real journal file) against a fake machine whose state lives in a JSON
// file, killed at the crash point given. Every change the fake makes is written to the state file
// at once, the way Windows keeps a setting however the process ends; a change Windows makes in
// two writes is two writes here too, with a crash point between them (the KMS host and its port
// are two WMI calls; route.exe -p writes the active table and the persistent store).
//
//   activate_crash_child aws|hci STATE JOURNAL apply|undo CRASH_AT COUNT_FILE
//
// CRASH_AT 0 runs to the end and writes the number of crash points passed to COUNT_FILE, and the
// command's output to COUNT_FILE.out and .err; K > 0
// kills the process at the K-th point: SIGKILL on Linux, TerminateProcess (exit 0xDEAD) on
// Windows. Neither lets the process run any code of its own on the way out.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "activation/apply.h"
#include "cli/activate_command.h"
#include "hostcheck/network.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <csignal>
#include <unistd.h>
#endif

namespace {

using hciattest::activation::ActivationFacts;
using hciattest::activation::RouteChange;
using nlohmann::json;

int g_crash_at = 0;
int g_points = 0;

void crash_point() {
  if (++g_points != g_crash_at) return;
#ifdef _WIN32
  ::TerminateProcess(::GetCurrentProcess(), 0xDEAD);
#else
  ::kill(::getpid(), SIGKILL);
#endif
  for (;;) {
  }
}

std::string g_state_path;

json load_state() {
  std::ifstream f(g_state_path, std::ios::binary);
  return json::parse(f);
}

// Atomic, as the OS keeps one setting: a temporary file, then a rename.
void save_state(const json& state) {
  const std::string tmp = g_state_path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << state.dump(2);
  }
  std::remove(g_state_path.c_str());  // Windows' rename does not replace
  std::rename(tmp.c_str(), g_state_path.c_str());
}

hciattest::hostcheck::Route route_of(const json& r) {
  hciattest::hostcheck::Route out;
  out.destination = r.at("destination");
  out.prefix_length = r.at("prefix");
  out.gateway = r.at("gateway");
  out.interface_name = r.at("interface");
  out.interface_index = r.at("index");
  out.metric = r.at("metric");
  return out;
}

ActivationFacts facts_of(const json& s) {
  ActivationFacts f;
  const bool aws = s.at("scenario") == "aws";
  f.platform = aws ? hciattest::hostcheck::Platform::kAws : hciattest::hostcheck::Platform::kAzureStackHci;
  f.version = aws ? hciattest::activation::WindowsVersion{"ServerDatacenter", "Windows Server 2019 Datacenter", "Server", 17763}
                  : hciattest::activation::WindowsVersion{"ServerTurbine", "Windows Server 2022 Datacenter: Azure Edition", "Server", 20348};
  f.licensing.available = true;
  f.licensing.description = "Windows(R) Operating System, " + s.at("channel").get<std::string>() + " channel";
  f.licensing.partial_product_key = s.at("partial_key");
  f.licensing.status = s.at("licensed").get<bool>() ? hciattest::activation::LicenseStatus::kLicensed
                                                     : hciattest::activation::LicenseStatus::kNotification;
  f.licensing.status_reason = s.at("licensed").get<bool>() ? 0 : 0xC004F074;
  f.licensing.kms_machine = s.at("kms_host");
  f.licensing.kms_port = s.at("kms_port");
  f.task.available = true;
  f.task.exists = true;
  f.task.enabled = s.at("task_enabled");
  f.task.state = f.task.enabled ? "ready" : "disabled";
  f.elevated = true;
  if (aws) {
    std::vector<hciattest::hostcheck::Route> active;
    for (const auto& r : s.at("routes")) {
      if (r.at("active")) active.push_back(route_of(r));
    }
    f.default_route = hciattest::hostcheck::default_route(active);
    for (const char* target : {"169.254.169.250", "169.254.169.251"}) {
      f.aws_routes.push_back({target, hciattest::hostcheck::select_route(active, target)});
    }
  }
  return f;
}

bool same_host_route(const json& r, const RouteChange& c) {
  return r.at("destination") == c.target && r.at("prefix") == 32 && r.at("gateway") == c.gateway;
}

class StateActions : public hciattest::activation::ActivationActions {
 public:
  std::string set_task_enabled(bool enabled) override {
    return change([&](json& s) { s["task_enabled"] = enabled; });
  }
  std::string run_task(std::chrono::seconds) override {
    // fclip.exe gets the attested document: activated when the task may run.
    return change([](json& s) { s["licensed"] = s.at("task_enabled").get<bool>(); });
  }
  std::string add_route(const RouteChange& c) override {
    crash_point();
    json s = load_state();
    for (const auto& r : s["routes"]) {
      if (same_host_route(r, c) && r.at("active") && r.at("persistent")) return {};  // already there
    }
    json route = {{"destination", c.target}, {"prefix", 32}, {"gateway", c.gateway},
                  {"interface", c.interface_name}, {"index", c.interface_index},
                  {"metric", c.metric}, {"active", true}, {"persistent", false}};
    json kept = json::array();
    for (const auto& r : s["routes"]) {
      if (!same_host_route(r, c)) kept.push_back(r);
    }
    kept.push_back(route);
    s["routes"] = kept;
    save_state(s);  // the active table first
    crash_point();
    s["routes"].back()["persistent"] = true;
    save_state(s);  // then the persistent store
    crash_point();
    return {};
  }
  std::string delete_route(const RouteChange& c) override {
    crash_point();
    json s = load_state();
    bool found = false;
    for (auto& r : s["routes"]) {
      if (same_host_route(r, c)) {
        r["persistent"] = false;
        found = true;
      }
    }
    if (!found) return {};  // nothing to delete is success
    save_state(s);  // the persistent store first
    crash_point();
    json kept = json::array();
    for (const auto& r : s["routes"]) {
      if (!same_host_route(r, c)) kept.push_back(r);
    }
    s["routes"] = kept;
    save_state(s);
    crash_point();
    return {};
  }
  std::string install_product_key(const std::string& key) override {
    return change([&](json& s) {
      s["partial_key"] = key.substr(key.size() - 5);
      s["channel"] = "VOLUME_KMSCLIENT";
    });
  }
  std::string set_kms_host(const std::string& host, std::uint16_t port) override {
    crash_point();
    json s = load_state();
    s["kms_host"] = host;  // SetKeyManagementServiceMachine
    save_state(s);
    crash_point();
    s["kms_port"] = port;  // SetKeyManagementServicePort
    save_state(s);
    crash_point();
    return {};
  }
  std::string activate_windows() override {
    return change([](json& s) { s["licensed"] = !s.at("kms_host").get<std::string>().empty(); });
  }
  ActivationFacts reread(const ActivationFacts&) override {
    crash_point();
    return facts_of(load_state());
  }

 private:
  template <typename F>
  std::string change(F f) {
    crash_point();
    json s = load_state();
    f(s);
    save_state(s);
    crash_point();
    return {};
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: activate_crash_child aws|hci STATE JOURNAL apply|undo CRASH_AT COUNT_FILE\n";
    return 64;
  }
  g_state_path = argv[2];
  const std::string journal = argv[3];
  const std::string mode = argv[4];
  g_crash_at = std::atoi(argv[5]);
  const std::string count_file = argv[6];

  hciattest::cli::ActivateCommandOptions o;
  if (mode == "apply") {
    o.apply = true;
    o.journal = journal;
  } else {
    o.undo = journal;
  }
  StateActions actions;
  std::istringstream in;
  std::ostringstream out, err;
  hciattest::cli::CommandIo io{in, out, err, [] { return std::int64_t{1796162700}; }, false};
  const int code = hciattest::cli::run_activate(
      o, io,
      [](const hciattest::cli::ActivateCommandOptions&) {
        crash_point();  // before anything is journaled or changed
        return facts_of(load_state());
      },
      &actions);
  if (g_crash_at == 0) {
    std::ofstream(count_file) << g_points;
    std::ofstream(count_file + ".out") << out.str();
    std::ofstream(count_file + ".err") << err.str();
  }
  return code;
}
