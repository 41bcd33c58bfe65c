#include "tests/support/emulator_fixture.h"

#include <atomic>
#include <random>
#include <stdexcept>

namespace hciattest::testing {

std::chrono::steady_clock::time_point FakeSteadyClock::now() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return now_;
}

void FakeSteadyClock::advance(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> lock(mutex_);
  now_ += d;
  sleeps_.push_back(d);
}

std::vector<std::chrono::milliseconds> FakeSteadyClock::sleeps() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sleeps_;
}

std::shared_ptr<const emulator::SigningPki> shared_emulator_pki() {
  // 2026-06-01T12:00:00Z, as tests/support/test_pki.h's kTestNow.
  static const auto pki = std::make_shared<const emulator::SigningPki>(
      emulator::SigningPki::generate("metadata.azure.com", 1780315200));
  return pki;
}

RunningEmulator start_emulator(const emulator::Faults& faults, std::int64_t unix_now,
                               std::shared_ptr<const emulator::SigningPki> pki,
                               bool real_steady_clock) {
  RunningEmulator r;
  r.clock = std::make_shared<FakeSteadyClock>();
  auto clock = r.clock;
  r.emulator = std::make_shared<emulator::ImdsEmulator>(
      pki ? std::move(pki) : shared_emulator_pki(), faults, emulator::VmIdentity{},
      [unix_now] { return unix_now; },
      [clock, real_steady_clock] {
        return real_steady_clock ? std::chrono::steady_clock::now() : clock->now();
      });
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> ports(20000, 60000);
  for (int attempt = 0; attempt < 20; ++attempt) {
    const std::string listen = "127.0.0.1:" + std::to_string(ports(rng));
    auto server = std::make_unique<emulator::EmulatorServer>(r.emulator, listen, nullptr);
    try {
      server->start();
    } catch (const std::runtime_error&) {
      continue;
    }
    r.url = server->base_url();
    r.server = std::move(server);
    return r;
  }
  throw std::runtime_error("start_emulator: no free port on 127.0.0.1");
}

imds::ClientEnvironment instant_environment(std::shared_ptr<FakeSteadyClock> clock) {
  imds::ClientEnvironment env;
  env.transport = imds::make_cpprest_transport();
  env.sleep = [clock](std::chrono::milliseconds d, imds::Cancellation& cancel) {
    if (cancel.cancelled()) return false;
    clock->advance(d);
    return true;
  };
  env.random01 = [] { return 0.5; };
  auto counter = std::make_shared<std::atomic<int>>(0);
  env.make_nonce = [counter] { return std::to_string(1000000000 + ++*counter); };
  return env;
}

}  // namespace hciattest::testing
