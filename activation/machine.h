// This machine, as the activation path reads it: the licensing facts (licensing.h, task_scheduler.h,
// launch_agent.h) and the KMS probe's resolver (hostcheck's NetworkInspector). `activate` and
// `doctor` both read the machine through these, so that they see the same facts.
#pragma once

#include <string>

#include "activation/kms_probe.h"
#include "activation/plan.h"
#include "hostcheck/network.h"
#include "hostcheck/platform.h"

namespace hciattest::activation {

// Licensing, edition, the LicenseImdsIntegration task, elevation, and on AWS the launch agent.
// On Linux the licensing state says "not applicable".
ActivationFacts read_machine_activation_facts(hostcheck::Platform platform, const std::string& cloud);

// The above and, on AWS, the default route and the routes to 169.254.169.250/.251 from `net`.
ActivationFacts read_activation_facts(hostcheck::Platform platform, const std::string& cloud,
                                      hostcheck::NetworkInspector& net);

// The KMS probe's dependencies here: names resolved by `net`, the real TCP exchange. `net` must
// outlive the returned value.
KmsProbeDeps kms_probe_deps(hostcheck::NetworkInspector& net);

}  // namespace hciattest::activation
