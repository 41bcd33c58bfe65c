// `hciattest verify`: options, wiring and execution.
#pragma once

#include "cli/common_options.h"

namespace hciattest::cli {

// Registers the subcommand's options on `app`.
CLI::App* add_verify_command(CLI::App& app, VerifyCommandOptions& options);

// Runs it; returns an ExitCode.
int run_verify(const VerifyCommandOptions& options, CommandIo& io);

}  // namespace hciattest::cli
