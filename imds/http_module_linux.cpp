// Linux: the HTTP module is libhciattest-http.so, loaded on first use (imds/detail/http_module.h).
// dlopen finds it through the program's RUNPATH: $ORIGIN/../lib/hciattest once installed, the
// build tree's imds/ folder in a build.
#include <dlfcn.h>

#include <string>

#include "imds/detail/http_module.h"

namespace hciattest::imds::detail {
namespace {

constexpr const char* kModuleName = "libhciattest-http.so";

const HttpModule* load() {
  void* handle = dlopen(kModuleName, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    throw HttpModuleError(std::string("cannot load hciattest's HTTP module ") + kModuleName +
                             " (" + (why != nullptr ? why : "no reason given") +
                             "): it belongs beside the program, in ../lib/hciattest/; "
                             "reinstall the hciattest package");
  }
  using Entry = const HttpModule* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, "hciattest_http_module"));
  const HttpModule* module = entry != nullptr ? entry() : nullptr;
  if (module == nullptr || module->abi != kHttpModuleAbi) {
    throw HttpModuleError(std::string(kModuleName) +
                             " comes from another hciattest build than this program: "
                             "reinstall the hciattest package");
  }
  return module;  // never unloaded: transports it made may outlive any caller
}

}  // namespace

const HttpModule& http_module() {
  static const HttpModule* module = load();  // a throw leaves it unset: the next call retries
  return *module;
}

}  // namespace hciattest::imds::detail
