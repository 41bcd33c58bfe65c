// The Windows Firewall decision table (activation/firewall.h): recorded policies in, verdicts,
// rules and remedies out. The baseline policy is the shape a Windows Server 2022 Azure image
// has out of the box: all three profiles on, outbound allowed by default, Core Networking's
// outbound allow rules; each case changes one thing.
#include "activation/firewall.h"

#include <gtest/gtest.h>

namespace hciattest::activation {
namespace {

FirewallPolicy baseline(long active = kFwProfilePublic) {
  FirewallPolicy p;
  for (long t : {kFwProfileDomain, kFwProfilePrivate, kFwProfilePublic}) {
    FirewallProfile prof;
    prof.type = t;
    prof.active = (active & t) != 0;
    prof.enabled = true;
    p.profiles.push_back(prof);
  }
  FirewallRule dns;
  dns.name = "Core Networking - DNS (UDP-Out)";
  dns.grouping = "@FirewallAPI.dll,-25000";
  dns.enabled = dns.outbound = dns.allow = true;
  dns.protocol = kFwProtocolUdp;
  dns.remote_ports = "53";
  dns.service = "dnscache";
  p.rules.push_back(dns);
  FirewallRule inbound_block;  // inbound rules never decide an outbound flow
  inbound_block.name = "Block inbound 1688";
  inbound_block.enabled = true;
  inbound_block.protocol = kFwProtocolTcp;
  inbound_block.remote_ports = "1688";
  p.rules.push_back(inbound_block);
  return p;
}

FirewallRule outbound(const std::string& name, bool allow, int protocol = kFwProtocolAny,
                      const std::string& addresses = "*", const std::string& ports = "*") {
  FirewallRule r;
  r.name = name;
  r.enabled = true;
  r.outbound = true;
  r.allow = allow;
  r.protocol = protocol;
  r.remote_addresses = addresses;
  r.remote_ports = ports;
  return r;
}

FirewallFlow kms(const std::string& address = "20.118.99.224") {
  return {"KMS azkms.core.windows.net", address, 1688, {"sppsvc.exe", "SppExtComObj.exe"}, ""};
}

FirewallFlow imds() { return {"IMDS", "169.254.169.254", 80, {}, ""}; }

void set_default_block(FirewallPolicy& p, long type) {
  for (auto& prof : p.profiles) {
    if (prof.type == type) prof.outbound_block_default = true;
  }
}

TEST(Firewall, BaselineAllowsKmsAndImds) {
  const FirewallPolicy p = baseline();
  EXPECT_EQ(evaluate_flow(p, kms()).verdict, FlowVerdict::kAllowed);
  EXPECT_EQ(evaluate_flow(p, imds()).verdict, FlowVerdict::kAllowed);
  EXPECT_EQ(firewall_remedy({evaluate_flow(p, kms())}), "");
}

TEST(Firewall, DefaultOutboundBlockWithoutAllowRuleBlocks) {
  FirewallPolicy p = baseline();
  set_default_block(p, kFwProfilePublic);
  const FlowFinding a = evaluate_flow(p, kms("20.118.99.224"));
  const FlowFinding b = evaluate_flow(p, kms("40.83.235.53"));
  const FlowFinding c = evaluate_flow(p, imds());
  EXPECT_EQ(a.verdict, FlowVerdict::kBlockedByDefault);
  EXPECT_EQ(a.profile, kFwProfilePublic);
  EXPECT_NE(a.explanation.find("public profile"), std::string::npos) << a.explanation;
  EXPECT_EQ(c.verdict, FlowVerdict::kBlockedByDefault);
  const std::string remedy = firewall_remedy({a, b, c});
  EXPECT_NE(remedy.find("New-NetFirewallRule -DisplayName \"hciattest: allow KMS (TCP 1688 out)\" "
                        "-Direction Outbound -Action Allow -Protocol TCP -RemoteAddress "
                        "20.118.99.224,40.83.235.53 -RemotePort 1688 -Profile Any"),
            std::string::npos)
      << remedy;
  EXPECT_NE(remedy.find("netsh advfirewall firewall add rule name=\"hciattest: allow KMS (TCP 1688 "
                        "out)\" dir=out action=allow protocol=TCP remoteip=20.118.99.224,40.83.235.53 "
                        "remoteport=1688 profile=any"),
            std::string::npos)
      << remedy;
  EXPECT_NE(remedy.find("-RemoteAddress 169.254.169.254 -RemotePort 80"), std::string::npos) << remedy;
}

TEST(Firewall, DefaultBlockOnAnInactiveProfileDoesNotMatter) {
  FirewallPolicy p = baseline(kFwProfileDomain);
  set_default_block(p, kFwProfilePublic);
  EXPECT_EQ(evaluate_flow(p, kms()).verdict, FlowVerdict::kAllowed);
}

TEST(Firewall, AFirewallThatIsOffFiltersNothing) {
  FirewallPolicy p = baseline();
  set_default_block(p, kFwProfilePublic);
  p.rules.push_back(outbound("Block everything", false));
  for (auto& prof : p.profiles) prof.enabled = false;
  EXPECT_EQ(evaluate_flow(p, kms()).verdict, FlowVerdict::kAllowed);
}

TEST(Firewall, AnAllowRuleLetsAFlowThroughADefaultBlock) {
  FirewallPolicy p = baseline();
  set_default_block(p, kFwProfilePublic);
  p.rules.push_back(outbound("KMS out", true, kFwProtocolTcp, "20.118.99.224,40.83.235.53", "1688"));
  EXPECT_EQ(evaluate_flow(p, kms()).verdict, FlowVerdict::kAllowed);
  // ... but not a flow it does not cover.
  EXPECT_EQ(evaluate_flow(p, kms("23.102.135.246")).verdict, FlowVerdict::kBlockedByDefault);
  EXPECT_EQ(evaluate_flow(p, imds()).verdict, FlowVerdict::kBlockedByDefault);
}

TEST(Firewall, ADisabledAllowRuleDoesNotCount) {
  FirewallPolicy p = baseline();
  set_default_block(p, kFwProfilePublic);
  FirewallRule r = outbound("KMS out", true, kFwProtocolTcp, "*", "1688");
  r.enabled = false;
  p.rules.push_back(r);
  EXPECT_EQ(evaluate_flow(p, kms()).verdict, FlowVerdict::kBlockedByDefault);
}

TEST(Firewall, ABlockRuleWinsOverAnAllowRule) {
  FirewallPolicy p = baseline();
  p.rules.push_back(outbound("KMS out", true, kFwProtocolTcp, "*", "1688"));
  p.rules.push_back(outbound("Block all outbound", false));
  const FlowFinding f = evaluate_flow(p, kms());
  ASSERT_EQ(f.verdict, FlowVerdict::kBlockedByRule);
  ASSERT_TRUE(f.rule.has_value());
  EXPECT_EQ(f.rule->name, "Block all outbound");
  EXPECT_NE(f.explanation.find("\"Block all outbound\""), std::string::npos);
  const std::string remedy = firewall_remedy({f, evaluate_flow(p, kms("40.83.235.53"))});
  EXPECT_NE(remedy.find("no allow rule helps"), std::string::npos) << remedy;
  EXPECT_NE(remedy.find("Set-NetFirewallRule -DisplayName \"Block all outbound\" -RemoteAddress "
                        "0.0.0.0-20.118.99.223,20.118.99.225-40.83.235.52,40.83.235.54-255.255.255.255"),
            std::string::npos)
      << remedy;
  EXPECT_EQ(remedy.find("New-NetFirewallRule"), std::string::npos) << remedy;
}

TEST(Firewall, ABlockRuleOnlyBlocksWhatItCovers) {
  struct Case {
    int protocol;
    std::string addresses, ports;
    FlowVerdict expected;
  } cases[] = {
      {kFwProtocolUdp, "*", "*", FlowVerdict::kAllowed},
      {kFwProtocolTcp, "*", "443", FlowVerdict::kAllowed},
      {kFwProtocolTcp, "*", "80,443,1000-2000", FlowVerdict::kBlockedByRule},
      {kFwProtocolTcp, "*", "1688", FlowVerdict::kBlockedByRule},
      {kFwProtocolTcp, "20.118.99.224/255.255.255.255", "*", FlowVerdict::kBlockedByRule},
      {kFwProtocolTcp, "20.118.99.0/24", "1688", FlowVerdict::kBlockedByRule},
      {kFwProtocolTcp, "20.0.0.0-20.255.255.255", "*", FlowVerdict::kBlockedByRule},
      {kFwProtocolTcp, "10.0.0.0/255.0.0.0,192.168.0.0/16", "*", FlowVerdict::kAllowed},
      {kFwProtocolTcp, "fe80::/64", "*", FlowVerdict::kAllowed},
      {kFwProtocolAny, "LocalSubnet", "*", FlowVerdict::kMaybeBlocked},
      {kFwProtocolTcp, "Internet", "1688", FlowVerdict::kMaybeBlocked},
      {kFwProtocolTcp, "*", "RPC", FlowVerdict::kMaybeBlocked},
  };
  for (const auto& c : cases) {
    FirewallPolicy p = baseline();
    p.rules.push_back(outbound("rule", false, c.protocol, c.addresses, c.ports));
    EXPECT_EQ(evaluate_flow(p, kms()).verdict, c.expected)
        << c.protocol << " " << c.addresses << " " << c.ports;
  }
}

TEST(Firewall, ABlockRuleOfAnotherProfileOrDisabledDoesNotBlock) {
  FirewallPolicy p = baseline(kFwProfilePublic);
  FirewallRule r = outbound("domain only", false);
  r.profiles = kFwProfileDomain | kFwProfilePrivate;
  p.rules.push_back(r);
  FirewallRule off = outbound("off", false);
  off.enabled = false;
  p.rules.push_back(off);
  EXPECT_EQ(evaluate_flow(p, kms()).verdict, FlowVerdict::kAllowed);
  p.profiles[0].active = true;  // the domain profile too: its rule now applies
  EXPECT_EQ(evaluate_flow(p, kms()).verdict, FlowVerdict::kBlockedByRule);
}

TEST(Firewall, ProgramAndServiceScopes) {
  FirewallPolicy p = baseline();
  FirewallRule spp = outbound("block sppsvc", false);
  spp.application = "%SystemRoot%\\System32\\SPPSVC.EXE";
  p.rules.push_back(spp);
  EXPECT_EQ(evaluate_flow(p, kms()).verdict, FlowVerdict::kBlockedByRule);
  // IMDS: the sender is not known, so a program-scoped rule only may match.
  EXPECT_EQ(evaluate_flow(p, imds()).verdict, FlowVerdict::kMaybeBlocked);

  FirewallPolicy q = baseline();
  FirewallRule other = outbound("block browser", false);
  other.application = "C:\\Program Files\\Browser\\notsppsvc.exe";
  q.rules.push_back(other);
  EXPECT_EQ(evaluate_flow(q, kms()).verdict, FlowVerdict::kAllowed);

  FirewallPolicy b = baseline();
  FirewallRule broker = outbound("block the broker", false);
  broker.application = "C:\\Windows\\System32\\SppExtComObj.Exe";
  b.rules.push_back(broker);
  EXPECT_EQ(evaluate_flow(b, kms()).verdict, FlowVerdict::kBlockedByRule);

  // A service scope: the KMS sender's service is not known (the broker is not a service).
  FirewallPolicy s = baseline();
  FirewallRule services = outbound("block services", false);
  services.service = "*";
  s.rules.push_back(services);
  EXPECT_EQ(evaluate_flow(s, kms()).verdict, FlowVerdict::kMaybeBlocked);
  FirewallFlow from_sppsvc = kms();
  from_sppsvc.service = "sppsvc";
  EXPECT_EQ(evaluate_flow(s, from_sppsvc).verdict, FlowVerdict::kBlockedByRule);
  s.rules.back().service = "wuauserv";
  EXPECT_EQ(evaluate_flow(s, from_sppsvc).verdict, FlowVerdict::kAllowed);
}

TEST(Firewall, AMaybeAllowRuleUnderADefaultBlockIsADoubtNotAPass) {
  FirewallPolicy p = baseline();
  set_default_block(p, kFwProfilePublic);
  p.rules.push_back(outbound("to the intranet", true, kFwProtocolTcp, "Intranet", "*"));
  const FlowFinding f = evaluate_flow(p, kms());
  EXPECT_EQ(f.verdict, FlowVerdict::kMaybeBlocked);
  ASSERT_TRUE(f.rule.has_value());
  EXPECT_EQ(f.rule->name, "to the intranet");
}

TEST(Firewall, AddressAndPortLists) {
  EXPECT_EQ(remote_address_matches("*", "1.2.3.4"), FwMatch::kYes);
  EXPECT_EQ(remote_address_matches("", "1.2.3.4"), FwMatch::kYes);
  EXPECT_EQ(remote_address_matches(" 1.2.3.4 , 5.6.7.8", "5.6.7.8"), FwMatch::kYes);
  EXPECT_EQ(remote_address_matches("1.2.3.0/255.255.255.0", "1.2.3.200"), FwMatch::kYes);
  EXPECT_EQ(remote_address_matches("1.2.3.0/255.255.255.0", "1.2.4.1"), FwMatch::kNo);
  EXPECT_EQ(remote_address_matches("0.0.0.0/0", "9.9.9.9"), FwMatch::kYes);
  EXPECT_EQ(remote_address_matches("1.2.3.0/255.0.255.0", "1.2.3.4"), FwMatch::kMaybe);  // no mask
  EXPECT_EQ(remote_address_matches("1.2.3.9-1.2.3.1", "1.2.3.4"), FwMatch::kMaybe);  // backwards
  EXPECT_EQ(remote_address_matches("DNS", "1.2.3.4"), FwMatch::kMaybe);
  EXPECT_EQ(remote_address_matches("::1,fd00::/8", "1.2.3.4"), FwMatch::kNo);
  EXPECT_EQ(remote_port_matches("1688", 1688), FwMatch::kYes);
  EXPECT_EQ(remote_port_matches("1-1687,1689-65535", 1688), FwMatch::kNo);
  EXPECT_EQ(remote_port_matches("70000", 1688), FwMatch::kMaybe);
  EXPECT_EQ(profile_names(kFwProfileAll), "all");
  EXPECT_EQ(profile_names(kFwProfileDomain | kFwProfilePublic), "domain, public");
}

TEST(Firewall, AddressesLeftOut) {
  EXPECT_EQ(remote_addresses_without("*", {"1.2.3.4"}), "0.0.0.0-1.2.3.3,1.2.3.5-255.255.255.255");
  EXPECT_EQ(remote_addresses_without("1.2.3.0/24", {"1.2.3.0"}), "1.2.3.1-1.2.3.255");
  EXPECT_EQ(remote_addresses_without("1.2.3.0/24,fd00::/8", {"9.9.9.9"}), "1.2.3.0-1.2.3.255,fd00::/8");
  EXPECT_EQ(remote_addresses_without("0.0.0.0-0.0.0.1", {"0.0.0.0", "0.0.0.1"}), std::nullopt);
  EXPECT_EQ(remote_addresses_without("LocalSubnet,1.2.3.4", {"1.2.3.4"}), std::nullopt);
  EXPECT_EQ(remote_addresses_without("*", {"255.255.255.255"}), "0.0.0.0-255.255.255.254");
}

TEST(Firewall, AKeywordRuleIsDisabledRatherThanRewritten) {
  FirewallPolicy p = baseline();
  p.rules.push_back(outbound("Corp egress", false, kFwProtocolTcp, "20.118.99.224,Internet", "1688"));
  const FlowFinding f = evaluate_flow(p, kms());
  ASSERT_EQ(f.verdict, FlowVerdict::kBlockedByRule);
  EXPECT_NE(firewall_remedy({f}).find("Disable-NetFirewallRule -DisplayName \"Corp egress\""),
            std::string::npos);
}

TEST(Firewall, DescribeRuleNamesWhatDecides) {
  FirewallRule r = outbound("Block KMS", false, kFwProtocolTcp, "20.118.99.224/255.255.255.255", "1688");
  r.profiles = kFwProfilePublic;
  r.grouping = "Corp";
  EXPECT_EQ(describe_rule(r),
            "\"Block KMS\" (outbound block, TCP, remote 20.118.99.224/255.255.255.255 port 1688, "
            "profiles public, group Corp)");
}

}  // namespace
}  // namespace hciattest::activation
