// Windows service state, for the checks that depend on one (the Hyper-V Guest Service
// Interface, vmicguestinterface, carries Azure Stack HCI 23H2+'s VMBus attestation path).
// services_windows.cpp asks the Service Control Manager; services_linux.cpp answers "not
// applicable on Linux".
#pragma once

#include <string>

#include "hostcheck/network.h"

namespace hciattest::hostcheck {

struct ServiceState {
  bool exists = false;
  bool running = false;
  std::string state;       // "running", "stopped", "start pending", ...
  std::string start_type;  // "automatic", "manual", "disabled", ...
};

// The service's state; an error (with the OS code and text) when it cannot be asked. A service
// that does not exist is a value with exists = false, not an error.
Result<ServiceState> query_service(const std::string& name);

// True on platforms where Windows services exist.
bool services_supported();

}  // namespace hciattest::hostcheck
