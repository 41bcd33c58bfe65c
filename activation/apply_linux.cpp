#include "activation/apply.h"

namespace hciattest::activation {
namespace {

class NotApplicable : public ActivationActions {
 public:
  std::string set_task_enabled(bool) override { return kWhy; }
  std::string run_task(std::chrono::seconds) override { return kWhy; }
  std::string add_route(const RouteChange&) override { return kWhy; }
  std::string delete_route(const RouteChange&) override { return kWhy; }
  std::string install_product_key(const std::string&) override { return kWhy; }
  std::string set_kms_host(const std::string&, std::uint16_t) override { return kWhy; }
  std::string activate_windows() override { return kWhy; }
  ActivationFacts reread(const ActivationFacts& before) override { return before; }

 private:
  static constexpr const char* kWhy = "not applicable on Linux (Windows activation)";
};

}  // namespace

std::unique_ptr<ActivationActions> make_activation_actions() {
  return std::make_unique<NotApplicable>();
}

}  // namespace hciattest::activation

#include <filesystem>

namespace hciattest::activation {

std::string create_journal_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return ec ? "cannot create " + dir + ": " + ec.message() : std::string();
}

}  // namespace hciattest::activation
