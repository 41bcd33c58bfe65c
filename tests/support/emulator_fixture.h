// Runs the IMDS emulator on a free 127.0.0.1 port for a test, with a steady clock the test can
// advance (the client's injected sleeper moves it), so boot and rate faults take milliseconds.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "emulator/imds_emulator.h"
#include "emulator/pki.h"
#include "emulator/server.h"
#include "imds/client.h"

namespace hciattest::testing {

class FakeSteadyClock {
 public:
  std::chrono::steady_clock::time_point now() const;
  void advance(std::chrono::milliseconds d);
  std::vector<std::chrono::milliseconds> sleeps() const;

 private:
  mutable std::mutex mutex_;
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
  std::vector<std::chrono::milliseconds> sleeps_;
};

// One generated PKI per test process (RSA key generation is the slow part).
std::shared_ptr<const emulator::SigningPki> shared_emulator_pki();

struct RunningEmulator {
  std::shared_ptr<FakeSteadyClock> clock;
  std::shared_ptr<emulator::ImdsEmulator> emulator;
  std::unique_ptr<emulator::EmulatorServer> server;
  std::string url;  // http://127.0.0.1:PORT
};

// Starts an emulator with `faults` whose wall clock is `unix_now`, signing with `pki` (by
// default shared_emulator_pki(), made for 2026-06-01). Its steady clock (boot and rate faults)
// is `clock` of the result, moved by instant_environment's sleeps; with `real_steady_clock` it
// is the real one instead, for clients that really sleep (the commands, in-process).
RunningEmulator start_emulator(const emulator::Faults& faults, std::int64_t unix_now,
                               std::shared_ptr<const emulator::SigningPki> pki = nullptr,
                               bool real_steady_clock = false);

// A client environment on the real transport whose sleeps advance `clock` instantly, with
// jitter fixed at the midpoint (no jitter) and nonces from a counter.
imds::ClientEnvironment instant_environment(std::shared_ptr<FakeSteadyClock> clock);

}  // namespace hciattest::testing
