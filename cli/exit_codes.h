// The program's exit codes: an interface for scripts and pipelines (docs/exit-codes.md).
#pragma once

namespace hciattest::cli {

enum ExitCode : int {
  kExitOk = 0,        // verified / healthy
  kExitFailed = 1,    // the document (or any document of a batch) was rejected
  kExitUsage = 2,     // bad arguments or unreadable input: nothing was verified
  kExitWarnings = 3,  // doctor: warnings only (with --strict they count as failures: 1)
  kExitInternal = 4,  // a bug or an unexpected exception
  kExitIncomplete = 5,  // report: a file was skipped (not a report), no machine failing
};

}  // namespace hciattest::cli
