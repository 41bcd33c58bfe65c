#include "activation/firewall.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "hostcheck/network.h"

namespace hciattest::activation {
namespace {

using Range = std::pair<std::uint32_t, std::uint32_t>;  // inclusive, host order

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    std::string item = trim(list.substr(start, comma - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool ends_with_icase(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && iequals(text.substr(text.size() - tail.size()), tail);
}

std::optional<unsigned> parse_number(const std::string& s, unsigned max) {
  if (s.empty() || s.size() > 10 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  const unsigned long v = std::stoul(s);
  if (v > max) return std::nullopt;
  return static_cast<unsigned>(v);
}

// "a.b.c.d", "a.b.c.d/nn", "a.b.c.d/m.m.m.m", "a.b.c.d-e.f.g.h": its range. nullopt otherwise.
std::optional<Range> parse_ipv4_item(const std::string& item) {
  if (const auto dash = item.find('-'); dash != std::string::npos) {
    const auto lo = hostcheck::parse_ipv4(item.substr(0, dash));
    const auto hi = hostcheck::parse_ipv4(item.substr(dash + 1));
    if (!lo || !hi || *lo > *hi) return std::nullopt;
    return Range{*lo, *hi};
  }
  if (const auto slash = item.find('/'); slash != std::string::npos) {
    const auto base = hostcheck::parse_ipv4(item.substr(0, slash));
    if (!base) return std::nullopt;
    const std::string m = item.substr(slash + 1);
    std::uint32_t mask = 0;
    if (const auto bits = parse_number(m, 32)) {
      mask = *bits == 0 ? 0 : ~std::uint32_t{0} << (32 - *bits);
    } else if (const auto dotted = hostcheck::parse_ipv4(m)) {
      mask = *dotted;
      if ((~mask & (~mask + 1)) != 0) return std::nullopt;  // not contiguous ones
    } else {
      return std::nullopt;
    }
    return Range{*base & mask, (*base & mask) | ~mask};
  }
  const auto one = hostcheck::parse_ipv4(item);
  if (!one) return std::nullopt;
  return Range{*one, *one};
}

bool is_ipv6_item(const std::string& item) { return item.find(':') != std::string::npos; }

FwMatch weakest(FwMatch a, FwMatch b) { return a < b ? a : b; }

// Does the rule's program and service scope cover the flow's sender?
FwMatch program_matches(const FirewallRule& r, const FirewallFlow& f) {
  FwMatch m = FwMatch::kYes;
  if (!r.application.empty()) {
    if (f.programs.empty()) {
      m = FwMatch::kMaybe;
    } else if (std::none_of(f.programs.begin(), f.programs.end(), [&](const std::string& p) {
                 return iequals(r.application, p) || ends_with_icase(r.application, "\\" + p);
               })) {
      return FwMatch::kNo;
    }
  }
  if (!r.service.empty()) {
    if (f.service.empty()) m = FwMatch::kMaybe;
    else if (r.service != "*" && !iequals(r.service, f.service)) return FwMatch::kNo;
  }
  return m;
}

FwMatch rule_matches(const FirewallRule& r, const FirewallFlow& f) {
  if (!r.enabled || !r.outbound) return FwMatch::kNo;
  if (r.protocol != kFwProtocolTcp && r.protocol != kFwProtocolAny) return FwMatch::kNo;
  FwMatch m = remote_address_matches(r.remote_addresses, f.address);
  if (m == FwMatch::kNo) return m;
  if (r.protocol == kFwProtocolTcp) m = weakest(m, remote_port_matches(r.remote_ports, f.port));
  if (m == FwMatch::kNo) return m;
  return weakest(m, program_matches(r, f));
}

const char* profile_name(long type) {
  switch (type) {
    case kFwProfileDomain: return "domain";
    case kFwProfilePrivate: return "private";
    case kFwProfilePublic: return "public";
  }
  return "unknown";
}

std::string flow_text(const FirewallFlow& f) {
  return "TCP " + f.address + ":" + std::to_string(f.port) + " (" + f.purpose + ")";
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? '\'' : c;
  return out + "\"";
}

std::string ipv4_text(std::uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xFF) + "." +
         std::to_string((v >> 8) & 0xFF) + "." + std::to_string(v & 0xFF);
}

}  // namespace

const char* flow_verdict_id(FlowVerdict v) {
  switch (v) {
    case FlowVerdict::kAllowed: return "allowed";
    case FlowVerdict::kBlockedByRule: return "blocked_by_rule";
    case FlowVerdict::kBlockedByDefault: return "blocked_by_default";
    case FlowVerdict::kMaybeBlocked: return "maybe_blocked";
  }
  return "allowed";
}

FwMatch remote_address_matches(const std::string& list, const std::string& ipv4) {
  const auto address = hostcheck::parse_ipv4(ipv4);
  if (!address) return FwMatch::kMaybe;
  const auto items = split_list(list);
  if (items.empty()) return FwMatch::kYes;  // an empty list means any address
  FwMatch best = FwMatch::kNo;
  for (const auto& item : items) {
    if (item == "*") return FwMatch::kYes;
    if (is_ipv6_item(item)) continue;
    const auto range = parse_ipv4_item(item);
    if (!range) {
      best = FwMatch::kMaybe;  // a keyword (LocalSubnet, DNS, Internet, ...) or unknown text
      continue;
    }
    if (*address >= range->first && *address <= range->second) return FwMatch::kYes;
  }
  return best;
}

FwMatch remote_port_matches(const std::string& list, std::uint16_t port) {
  const auto items = split_list(list);
  if (items.empty()) return FwMatch::kYes;
  FwMatch best = FwMatch::kNo;
  for (const auto& item : items) {
    if (item == "*") return FwMatch::kYes;
    const auto dash = item.find('-');
    const auto lo = parse_number(item.substr(0, dash), 65535);
    const auto hi = dash == std::string::npos ? lo : parse_number(item.substr(dash + 1), 65535);
    if (!lo || !hi) {
      best = FwMatch::kMaybe;  // RPC, RPC-EPMap, IPHTTPSOut, ...
      continue;
    }
    if (port >= *lo && port <= *hi) return FwMatch::kYes;
  }
  return best;
}

std::string profile_names(long mask) {
  if ((mask & kFwProfileAll) == kFwProfileAll) return "all";
  std::string out;
  for (long t : {kFwProfileDomain, kFwProfilePrivate, kFwProfilePublic}) {
    if (mask & t) out += (out.empty() ? "" : ", ") + std::string(profile_name(t));
  }
  return out.empty() ? "none" : out;
}

std::string describe_rule(const FirewallRule& r) {
  std::string protocol = r.protocol == kFwProtocolTcp   ? "TCP"
                         : r.protocol == kFwProtocolUdp ? "UDP"
                         : r.protocol == kFwProtocolAny ? "any protocol"
                                                        : "protocol " + std::to_string(r.protocol);
  std::string out = quoted(r.name) + " (" + (r.outbound ? "outbound " : "inbound ") +
                    (r.allow ? "allow" : "block") + ", " + protocol + ", remote " +
                    (r.remote_addresses.empty() ? "*" : r.remote_addresses);
  if (r.protocol == kFwProtocolTcp || r.protocol == kFwProtocolUdp) {
    out += " port " + (r.remote_ports.empty() ? std::string("*") : r.remote_ports);
  }
  out += ", profiles " + profile_names(r.profiles);
  if (!r.grouping.empty()) out += ", group " + r.grouping;
  if (!r.application.empty()) out += ", program " + r.application;
  if (!r.service.empty()) out += ", service " + r.service;
  if (!r.enabled) out += ", disabled";
  return out + ")";
}

FlowFinding evaluate_flow(const FirewallPolicy& policy, const FirewallFlow& flow) {
  FlowFinding finding;
  finding.flow = flow;
  std::optional<FlowFinding> maybe;
  std::optional<FlowFinding> by_default;
  for (const auto& profile : policy.profiles) {
    if (!profile.active || !profile.enabled) continue;
    const std::string where = "in the active " + std::string(profile_name(profile.type)) + " profile";
    // Block rules first: one that matches wins whatever the allow rules say.
    for (const auto& rule : policy.rules) {
      if (rule.allow || (rule.profiles & profile.type) == 0) continue;
      const FwMatch m = rule_matches(rule, flow);
      if (m == FwMatch::kYes) {
        finding.verdict = FlowVerdict::kBlockedByRule;
        finding.profile = profile.type;
        finding.rule = rule;
        finding.explanation = "the outbound block rule " + quoted(rule.name) + " blocks " +
                              flow_text(flow) + " " + where;
        return finding;
      }
      if (m == FwMatch::kMaybe && !maybe) {
        FlowFinding f = finding;
        f.verdict = FlowVerdict::kMaybeBlocked;
        f.profile = profile.type;
        f.rule = rule;
        f.explanation = "the outbound block rule " + quoted(rule.name) + " may block " +
                        flow_text(flow) + " " + where + " (it is scoped by a keyword or to a " +
                        "program, which decides)";
        maybe = std::move(f);
      }
    }
    if (!profile.outbound_block_default || by_default) continue;
    FwMatch allowed = FwMatch::kNo;
    const FirewallRule* maybe_allow = nullptr;
    for (const auto& rule : policy.rules) {
      if (!rule.allow || (rule.profiles & profile.type) == 0) continue;
      const FwMatch m = rule_matches(rule, flow);
      if (m == FwMatch::kMaybe && !maybe_allow) maybe_allow = &rule;
      allowed = std::max(allowed, m);
      if (allowed == FwMatch::kYes) break;
    }
    if (allowed == FwMatch::kYes) continue;
    FlowFinding f = finding;
    f.profile = profile.type;
    if (maybe_allow != nullptr) {
      f.verdict = FlowVerdict::kMaybeBlocked;
      f.rule = *maybe_allow;
      f.explanation = "outbound connections are blocked by default " + where + "; only the " +
                      "allow rule " + quoted(maybe_allow->name) + " may let " + flow_text(flow) +
                      " through (it is scoped by a keyword or to a program, which decides)";
      if (!maybe) maybe = std::move(f);
      continue;
    }
    f.verdict = FlowVerdict::kBlockedByDefault;
    f.explanation = "outbound connections are blocked by default " + where + " and no enabled " +
                    "outbound allow rule covers " + flow_text(flow);
    by_default = std::move(f);
  }
  if (by_default) return *by_default;
  if (maybe) return *maybe;
  finding.explanation = "no active profile blocks " + flow_text(flow);
  return finding;
}

const std::vector<std::string>& kms_client_programs() {
  static const std::vector<std::string> programs = {"sppsvc.exe", "SppExtComObj.exe"};
  return programs;
}

std::optional<FlowFinding> first_blocked_kms_flow(const FirewallPolicy& policy,
                                                  const std::string& purpose,
                                                  const std::vector<std::string>& addresses,
                                                  std::uint16_t port) {
  for (const auto& a : addresses) {
    if (!hostcheck::parse_ipv4(a)) continue;
    FlowFinding f = evaluate_flow(policy, {purpose, a, port, kms_client_programs(), ""});
    if (f.verdict == FlowVerdict::kBlockedByRule || f.verdict == FlowVerdict::kBlockedByDefault) {
      return f;
    }
  }
  return std::nullopt;
}

std::optional<std::string> remote_addresses_without(const std::string& list,
                                                    const std::vector<std::string>& addresses) {
  std::vector<Range> ranges;
  std::vector<std::string> ipv6;
  auto items = split_list(list);
  if (items.empty()) items.push_back("*");
  for (const auto& item : items) {
    if (item == "*") {
      ranges.push_back({0, 0xFFFFFFFFu});
    } else if (is_ipv6_item(item)) {
      ipv6.push_back(item);
    } else if (auto r = parse_ipv4_item(item)) {
      ranges.push_back(*r);
    } else {
      return std::nullopt;
    }
  }
  std::set<std::uint32_t> holes;
  for (const auto& a : addresses) {
    const auto v = hostcheck::parse_ipv4(a);
    if (!v) return std::nullopt;
    holes.insert(*v);
  }
  std::vector<Range> left;
  for (Range r : ranges) {
    std::uint64_t start = r.first;
    for (std::uint32_t h : holes) {
      if (h < start || h > r.second) continue;
      if (h > start) left.push_back({static_cast<std::uint32_t>(start), h - 1});
      start = std::uint64_t{h} + 1;
    }
    if (start <= r.second) left.push_back({static_cast<std::uint32_t>(start), r.second});
  }
  if (left.empty() && ipv6.empty()) return std::nullopt;
  std::string out;
  for (const auto& r : left) {
    out += (out.empty() ? "" : ",") + ipv4_text(r.first);
    if (r.second != r.first) out += "-" + ipv4_text(r.second);
  }
  for (const auto& v6 : ipv6) out += (out.empty() ? "" : ",") + v6;
  return out;
}

std::string firewall_remedy(const std::vector<FlowFinding>& findings) {
  std::string out;
  // Default block: one allow rule per port, with that port's addresses.
  std::vector<std::pair<std::uint16_t, std::vector<std::string>>> by_port;
  std::vector<std::pair<std::uint16_t, std::string>> purposes;
  for (const auto& f : findings) {
    if (f.verdict != FlowVerdict::kBlockedByDefault) continue;
    auto it = std::find_if(by_port.begin(), by_port.end(), [&](const auto& p) { return p.first == f.flow.port; });
    if (it == by_port.end()) {
      by_port.push_back({f.flow.port, {}});
      purposes.push_back({f.flow.port, f.flow.port == 1688 ? "KMS" : "IMDS"});
      it = by_port.end() - 1;
    }
    if (std::find(it->second.begin(), it->second.end(), f.flow.address) == it->second.end()) {
      it->second.push_back(f.flow.address);
    }
  }
  for (std::size_t i = 0; i < by_port.size(); ++i) {
    std::string addresses;
    for (const auto& a : by_port[i].second) addresses += (addresses.empty() ? "" : ",") + a;
    const std::string port = std::to_string(by_port[i].first);
    const std::string name = "hciattest: allow " + purposes[i].second + " (TCP " + port + " out)";
    out += std::string(out.empty() ? "" : "; ") + "allow only this, in an elevated PowerShell: " +
           "New-NetFirewallRule -DisplayName " + quoted(name) +
           " -Direction Outbound -Action Allow -Protocol TCP -RemoteAddress " + addresses +
           " -RemotePort " + port + " -Profile Any (or: netsh advfirewall firewall add rule name=" +
           quoted(name) + " dir=out action=allow protocol=TCP remoteip=" + addresses +
           " remoteport=" + port + " profile=any)";
  }
  // Block rules: an allow rule cannot beat them; narrow the rule instead.
  std::vector<std::string> done;
  for (const auto& f : findings) {
    if (f.verdict != FlowVerdict::kBlockedByRule || !f.rule) continue;
    if (std::find(done.begin(), done.end(), f.rule->name) != done.end()) continue;
    done.push_back(f.rule->name);
    std::vector<std::string> addresses;
    for (const auto& g : findings) {
      if (g.verdict == FlowVerdict::kBlockedByRule && g.rule && g.rule->name == f.rule->name) {
        addresses.push_back(g.flow.address);
      }
    }
    out += std::string(out.empty() ? "" : "; ") + "block rules win over allow rules in Windows " +
           "Firewall, so no allow rule helps: ";
    if (const auto narrowed = remote_addresses_without(f.rule->remote_addresses, addresses)) {
      out += "leave the activation addresses out of " + quoted(f.rule->name) +
             ", in an elevated PowerShell: Set-NetFirewallRule -DisplayName " + quoted(f.rule->name) +
             " -RemoteAddress " + *narrowed;
    } else {
      out += "narrow " + quoted(f.rule->name) + " or turn it off, in an elevated PowerShell: " +
             "Disable-NetFirewallRule -DisplayName " + quoted(f.rule->name);
    }
    out += " (a rule from Group Policy is changed in its GPO instead)";
  }
  return out;
}

}  // namespace hciattest::activation
