// Windows Firewall's outbound policy, as it bears on the flows activation needs: TCP 1688 to the
// cloud's KMS hosts and TCP 80 to IMDS. read_firewall() asks the Windows Firewall COM API
// (INetFwPolicy2 and its INetFwRules, never netsh text) on Windows, and answers "not applicable on
// Linux" elsewhere. evaluate_flow() is pure: a policy (read, or recorded in a test) and a flow in,
// the verdict and the rule that decides it out.
//
// Windows Firewall's order (Microsoft's "Windows Firewall rules" and "Configure rules with
// group policy" pages): a matching block rule wins over every allow rule (only an allow rule that
// overrides block rules for IPsec-authenticated traffic beats it, which KMS and IMDS traffic never
// is); then a matching allow rule; then the profile's default outbound action. A profile whose
// firewall is off filters nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hciattest::activation {

// NET_FW_PROFILE_TYPE2, NET_FW_IP_PROTOCOL (icftypes.h).
inline constexpr long kFwProfileDomain = 0x1;
inline constexpr long kFwProfilePrivate = 0x2;
inline constexpr long kFwProfilePublic = 0x4;
inline constexpr long kFwProfileAll = 0x7FFFFFFF;
inline constexpr int kFwProtocolTcp = 6;
inline constexpr int kFwProtocolUdp = 17;
inline constexpr int kFwProtocolAny = 256;

struct FirewallProfile {
  long type = 0;          // kFwProfileDomain, kFwProfilePrivate or kFwProfilePublic
  bool active = false;    // in INetFwPolicy2::CurrentProfileTypes
  bool enabled = false;   // FirewallEnabled
  bool outbound_block_default = false;  // DefaultOutboundAction == NET_FW_ACTION_BLOCK
};

struct FirewallRule {
  std::string name;      // INetFwRule::Name: what New-NetFirewallRule calls -DisplayName
  std::string grouping;  // "Core Networking", "@FirewallAPI.dll,-25000", or empty
  bool enabled = false;
  bool outbound = false;  // Direction == NET_FW_RULE_DIR_OUT
  bool allow = false;     // Action == NET_FW_ACTION_ALLOW
  long profiles = kFwProfileAll;
  int protocol = kFwProtocolAny;
  std::string remote_addresses = "*";  // "*", "20.118.99.224/255.255.255.255,10.0.0.0/8", "LocalSubnet"
  std::string remote_ports = "*";      // "*", "1688", "80,443,1000-2000"
  std::string application;  // ApplicationName; empty: every program
  std::string service;      // ServiceName; empty: every program, "*": every service
};

struct FirewallPolicy {
  std::vector<FirewallProfile> profiles;  // domain, private, public
  std::vector<FirewallRule> rules;        // every rule, inbound too (the evaluation skips them)
  // LocalPolicyModifyState == NET_FW_MODIFY_STATE_GP_OVERRIDE: Group Policy decides, and rules it
  // pushes may not be among `rules` (the COM API reads the local store).
  bool group_policy_override = false;
};

struct FirewallReading {
  bool available = false;
  std::string error;  // why not: "not applicable on Linux", "INetFwPolicy2::get_Rules: 0x80070005 ..."
  FirewallPolicy policy;
};

// This machine's policy as the COM API gives it (the local store; see group_policy_override).
FirewallReading read_firewall();

// One flow the activation path needs. `programs` and `service` name what may send it when that is
// known (KMS activation: sppsvc.exe, the Software Protection service, or SppExtComObj.exe, its
// KMS connection broker on Windows 8 / Server 2012 and later); empty: any program, and a rule
// scoped to a program or a service is then only a possible match.
struct FirewallFlow {
  std::string purpose;  // "KMS azkms.core.windows.net", "IMDS"
  std::string address;  // IPv4, dotted quad
  std::uint16_t port = 0;  // TCP
  std::vector<std::string> programs;  // {"sppsvc.exe", ...}: ApplicationName ends in one of them
  std::string service;                // the service it comes from; empty: not known
};

enum class FlowVerdict {
  kAllowed,           // no active profile with its firewall on blocks it
  kBlockedByRule,     // an enabled outbound block rule matches it in an active profile
  kBlockedByDefault,  // an active profile blocks outbound by default and no allow rule matches
  kMaybeBlocked,      // a rule matches only if a keyword (LocalSubnet, DNS, ...) or a program
                      // scope matches the flow, which cannot be told from here
};
const char* flow_verdict_id(FlowVerdict v);  // "allowed", "blocked_by_rule", ...

struct FlowFinding {
  FirewallFlow flow;
  FlowVerdict verdict = FlowVerdict::kAllowed;
  long profile = 0;                  // the active profile the verdict is about (0: none)
  std::optional<FirewallRule> rule;  // the block rule that matches (or may match)
  std::string explanation;           // one sentence, names the rule and the profile
};

FlowFinding evaluate_flow(const FirewallPolicy& policy, const FirewallFlow& flow);

// What sends KMS activation traffic: the Software Protection service, or its KMS connection broker
// (Windows 8 / Server 2012 and later).
const std::vector<std::string>& kms_client_programs();

// The first of `addresses` (IPv4; others are skipped) to which the policy blocks TCP `port` from
// the KMS client, by a rule or by a default block; nullopt when none is blocked.
std::optional<FlowFinding> first_blocked_kms_flow(const FirewallPolicy& policy,
                                                  const std::string& purpose,
                                                  const std::vector<std::string>& addresses,
                                                  std::uint16_t port);

// Whether a rule's RemoteAddresses / RemotePorts list covers an IPv4 address / a port: kMaybe for
// keywords (LocalSubnet, DNS, DHCP, WINS, DefaultGateway, Intranet, Internet, RPC, ...) and for
// anything this parser does not know, so a doubt is reported, never taken for "no".
enum class FwMatch { kNo, kMaybe, kYes };
FwMatch remote_address_matches(const std::string& list, const std::string& ipv4);
FwMatch remote_port_matches(const std::string& list, std::uint16_t port);

// "domain, private, public"; "all" for kFwProfileAll.
std::string profile_names(long mask);

// "\"Block outbound\" (outbound block, TCP, remote 0.0.0.0-255.255.255.255:1688, profiles all,
// group Core Networking, program C:\x.exe)".
std::string describe_rule(const FirewallRule& rule);

// The remedy for findings that block: for a default block, the exact New-NetFirewallRule and
// netsh lines that allow only these flows (one rule per port: TCP, those addresses, that port);
// for a block rule, why an allow rule cannot help and the exact Set-NetFirewallRule line that
// leaves these addresses out of the rule's addresses when that can be computed (otherwise the
// Disable-NetFirewallRule line). Empty when nothing blocks.
std::string firewall_remedy(const std::vector<FlowFinding>& findings);

// The rule's RemoteAddresses minus `addresses` (IPv4), as a list Windows accepts
// ("0.0.0.0-20.118.99.223,20.118.99.225-255.255.255.255"); IPv6 parts kept. nullopt when the list
// holds a keyword or something unparsed, or when nothing would be left.
std::optional<std::string> remote_addresses_without(const std::string& list,
                                                    const std::vector<std::string>& addresses);

}  // namespace hciattest::activation
