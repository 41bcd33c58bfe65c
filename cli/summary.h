// `--output summary`: exactly one line for the engines that run hciattest over a fleet and keep
// only a little of its output (Intune Remediations keep 2,048 characters, Azure VM and Arc Run
// Command the last 4 KB: FACTS.md "Fleet engines' contracts"). Plain ASCII, at most kSummaryMax
// bytes whatever the input, and no field is ever cut: a list that does not fit ends in
// "...+N more", a remedy that does not fit is left out and the line says where it is.
//
//   hciattest doctor: failures | machine=avd-host-3 | fail=windows-firewall,azure-kms | warn=spp-events
//     | remedy: Windows Firewall blocks it: ...
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace hciattest::cli {

inline constexpr std::size_t kSummaryMax = 2048;

struct Summary {
  std::string command;  // "doctor", "attest", "verify", "activate"
  std::string verdict;  // "healthy", "failures", "verified", "rejected", "activated", ...
  std::string machine;  // this machine's name; empty: left out
  // Named lists, in order: {"fail", {"windows-firewall", "azure-kms"}}; empty lists are left out.
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;
  std::vector<std::pair<std::string, std::string>> fields;  // {"code", "nonce_mismatch"}
  std::string remedy;  // the first remedy; empty: none
};

// The line, without its newline. Bytes outside printable ASCII become '?' (control characters
// and line breaks a space), so that one line stays one line in any engine's log.
std::string render_summary(const Summary& summary, std::size_t max = kSummaryMax);

}  // namespace hciattest::cli
