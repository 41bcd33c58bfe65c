// Linux: the HTTP module is libhciattest-http.so, loaded on first use (imds/detail/http_module.h).
// It is looked for in the program's library search path: its RUNPATH ($ORIGIN/../lib/hciattest
// once installed, the build tree's imds/ folder in a build), then LD_LIBRARY_PATH and the system
// folders. The path is read with dlinfo and each folder tried by full path, because dlopen
// searches the RUNPATH of its caller, and under AddressSanitizer the caller is the sanitizer's
// interceptor, whose RUNPATH is empty.
#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <vector>

#include <string>

#include "imds/detail/http_module.h"

namespace hciattest::imds::detail {
namespace {

constexpr const char* kModuleName = "libhciattest-http.so";

// The folders the program's own libraries are searched in, in order.
std::vector<std::string> search_path() {
  std::vector<std::string> dirs;
  void* self = dlopen(nullptr, RTLD_LAZY);
  Dl_serinfo size;
  if (self == nullptr || dlinfo(self, RTLD_DI_SERINFOSIZE, &size) != 0) return dirs;
  std::vector<char> buffer(size.dls_size);
  auto* info = reinterpret_cast<Dl_serinfo*>(buffer.data());
  if (dlinfo(self, RTLD_DI_SERINFOSIZE, info) != 0 || dlinfo(self, RTLD_DI_SERINFO, info) != 0) {
    return dirs;
  }
  for (unsigned i = 0; i < info->dls_cnt; ++i) dirs.emplace_back(info->dls_serpath[i].dls_name);
  return dirs;
}

void* open_module() {
  for (const auto& dir : search_path()) {
    const std::string path = dir + "/" + kModuleName;
    if (access(path.c_str(), F_OK) == 0) return dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  }
  return dlopen(kModuleName, RTLD_NOW | RTLD_LOCAL);  // for dlerror's reason
}

const HttpModule* load() {
  void* handle = open_module();
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
