#include "hostcheck/services.h"

namespace hciattest::hostcheck {

Result<ServiceState> query_service(const std::string& name) {
  Result<ServiceState> r;
  r.error = "not applicable on Linux: " + name + " is a Windows service";
  return r;
}

bool services_supported() { return false; }

}  // namespace hciattest::hostcheck
