// A KMS host as an admin writes it (`--kms-host`, `hciattest kms probe`): HOST[:PORT]. The value
// ends up in the licensing service's KeyManagementServiceMachine, so it is validated strictly
// here, before anything is probed or changed (DESIGN.md safety rules).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hciattest::activation {

inline constexpr std::uint16_t kKmsDefaultPort = 1688;

struct KmsTarget {
  std::string host;  // a DNS name, a dotted quad, or an IPv6 address without its brackets
  std::uint16_t port = kKmsDefaultPort;
  bool ipv6 = false;
  // "host:port", with brackets around an IPv6 address: the form slmgr /skms takes.
  std::string text() const;
};

struct KmsTargetParse {
  std::optional<KmsTarget> target;
  std::string error;  // says what is wrong with the value and what form is expected
};

// Accepts `name[:port]`, `a.b.c.d[:port]` and `[ipv6][:port]`; the port is 1-65535 and
// defaults to 1688. Rejects anything else with a reason: empty, whitespace or control
// characters, shell metacharacters, labels that are not RFC 1123, bad dotted quads, a bare IPv6
// literal (its colons make the port ambiguous: write it in brackets).
KmsTargetParse parse_kms_target(const std::string& text);

}  // namespace hciattest::activation
