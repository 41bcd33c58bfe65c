// The doctor's checks over faked facts: every branch.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "attest/anchors.h"
#include "doctor/checks.h"
#include "tests/doctor/facts_fixture.h"

namespace hciattest::doctor {
namespace {

using namespace fakes;

TEST(DoctorChecks, TheMachineIsNamedAndTheVmOnlyByAVerifiedDocument) {
  Facts f = healthy_hci();
  f.smbios.product_uuid = "4c4c4544-0042-3510-8052-b7c04f4e3332";
  attest::Payload p;
  p.vm_id = "02aab8a4-74ef-476e-8182-f6d2ba4166a6";
  p.subscription_id = "8d10da13-8125-4ba9-a717-bf7490507b3d";
  f.verification->payload = p;
  MachineIdentity m = machine_identity(f, "hci-vm-07");
  EXPECT_EQ(m.name, "hci-vm-07");
  EXPECT_EQ(m.smbios_uuid, "4c4c4544-0042-3510-8052-b7c04f4e3332");
  EXPECT_EQ(m.vm_id, p.vm_id);
  EXPECT_EQ(m.subscription_id, p.subscription_id);
  f.verification->verified = false;  // a forged document says what it likes
  m = machine_identity(f, "hci-vm-07");
  EXPECT_EQ(m.vm_id, "");
  EXPECT_EQ(m.subscription_id, "");
}

TEST(DoctorChecks, AHealthyHciVmPassesAndSkipsKms) {
  Report r = report_of(healthy_hci());
  EXPECT_EQ(find(r.checks, "hci-imds-nic").status, Status::kPass);
  EXPECT_EQ(find(r.checks, "imds-reachable").status, Status::kPass);
  EXPECT_EQ(find(r.checks, "attested-document").status, Status::kPass);
  EXPECT_EQ(find(r.checks, "kms").status, Status::kSkip);
  EXPECT_EQ(verdict(r, false), Verdict::kHealthy);
}

TEST(DoctorChecks, NoLinkLocalAdapterOnAHyperVGuestFailsWithTheHostRemedy) {
  Facts f = healthy_hci();
  f.platform.platform = Platform::kHyperV;
  f.adapters.value = std::vector<hostcheck::Adapter>{adapter("Ethernet", "10.0.0.4", 24)};
  f.route_253.value = route("0.0.0.0", 0, "10.0.0.1", "Ethernet");
  f.imds.ok = false;
  f.imds.error = "no endpoint answered";
  f.verification.reset();
  Report r = report_of(f);
  const Check& nic = find(r.checks, "hci-imds-nic");
  EXPECT_EQ(nic.status, Status::kFail);
  EXPECT_NE(nic.remedy.find("Add-AzStackHCIVMAttestation"), std::string::npos);
  EXPECT_EQ(find(r.checks, "imds-reachable").status, Status::kFail);
  EXPECT_EQ(find(r.checks, "attested-document").status, Status::kSkip);
  EXPECT_EQ(verdict(r, false), Verdict::kFailures);
}

TEST(DoctorChecks, TheHostImdsRoutedThroughAGatewayFails) {
  Facts f = healthy_hci();
  f.route_253.value = route("169.254.169.253", 32, "10.0.0.1", "Ethernet");
  const Check& nic = find(evaluate(f), "hci-imds-nic");
  EXPECT_EQ(nic.status, Status::kFail);
  EXPECT_NE(nic.summary.find("not routed on-link"), std::string::npos);
}

TEST(DoctorChecks, ASilentHostImdsPortFails) {
  Facts f = healthy_hci();
  f.tcp_253.connected = false;
  f.tcp_253.error = "timed out after 1500 ms";
  EXPECT_EQ(find(evaluate(f), "hci-imds-nic").status, Status::kFail);
}

activation::KmsProbeReport kms_report(const std::string& host, activation::KmsVerdict verdict) {
  activation::KmsProbeReport k;
  k.target.host = host;
  k.verdict = verdict;
  k.summary = std::string("probe says ") + activation::kms_verdict_id(verdict);
  k.evidence = {host + ":1688: evidence"};
  if (verdict != activation::KmsVerdict::kKmsEndpoint) k.remedy = "the probe's remedy";
  return k;
}

TEST(DoctorChecks, OnAzureTheHciCheckIsSkippedAndKmsIsProbed) {
  Facts f = healthy_hci();
  f.platform.platform = Platform::kAzure;
  f.kms.push_back(kms_report("azkms.core.windows.net", activation::KmsVerdict::kKmsEndpoint));
  auto checks = evaluate(f);
  EXPECT_EQ(find(checks, "hci-imds-nic").status, Status::kSkip);
  const Check& pass = find(checks, "azure-kms");
  EXPECT_EQ(pass.status, Status::kPass);
  EXPECT_EQ(pass.title, "KMS azkms.core.windows.net:1688");
  EXPECT_EQ(pass.summary, "probe says kms_endpoint");
  EXPECT_EQ(pass.evidence, std::vector<std::string>{"azkms.core.windows.net:1688: evidence"});
  EXPECT_EQ(pass.remedy, "");
  for (auto v : {activation::KmsVerdict::kUnresolved, activation::KmsVerdict::kUnreachable,
                 activation::KmsVerdict::kNoAnswer, activation::KmsVerdict::kNotRpc,
                 activation::KmsVerdict::kRpcNotKms}) {
    f.kms[0] = kms_report("azkms.core.windows.net", v);
    const Check& c = find(evaluate(f), "azure-kms");
    EXPECT_EQ(c.status, Status::kFail) << activation::kms_verdict_id(v);
    const bool silent = v == activation::KmsVerdict::kUnreachable || v == activation::KmsVerdict::kNoAnswer;
    // A silent Azure KMS whose name resolved: forced tunnelling, by name (the next tests).
    EXPECT_EQ(c.remedy.rfind(silent ? "Azure's KMS answers only traffic" : "the probe's remedy", 0), 0u)
        << c.remedy;
    EXPECT_NE(c.remedy.find("hciattest kms probe azkms.core.windows.net:1688"), std::string::npos);
  }
}

// Windows Firewall as recorded from a Server 2022 Azure image: three profiles on, public active,
// outbound allowed by default, Core Networking's DNS allow rule.
activation::FirewallReading firewall_reading() {
  activation::FirewallReading r;
  r.available = true;
  for (long t : {activation::kFwProfileDomain, activation::kFwProfilePrivate, activation::kFwProfilePublic}) {
    activation::FirewallProfile p;
    p.type = t;
    p.active = t == activation::kFwProfilePublic;
    p.enabled = true;
    r.policy.profiles.push_back(p);
  }
  activation::FirewallRule dns;
  dns.name = "Core Networking - DNS (UDP-Out)";
  dns.enabled = dns.outbound = dns.allow = true;
  dns.protocol = activation::kFwProtocolUdp;
  dns.remote_ports = "53";
  r.policy.rules.push_back(dns);
  return r;
}

activation::FirewallRule block_rule(const std::string& name, const std::string& ports) {
  activation::FirewallRule b;
  b.name = name;
  b.enabled = b.outbound = true;
  b.allow = false;
  b.protocol = activation::kFwProtocolTcp;
  b.remote_ports = ports;
  return b;
}

Facts azure_silent_kms() {
  Facts f = healthy_hci();
  f.platform.platform = Platform::kAzure;
  f.activation.cloud = "public";
  f.firewall = firewall_reading();
  f.azure_vm = {"rg-avd", "avd-host-3", "8d10da13-8125-4ba9-a717-bf7490507b3d"};
  auto k = kms_report("azkms.core.windows.net", activation::KmsVerdict::kUnreachable);
  k.addresses = {"20.118.99.224", "40.83.235.53"};  // data only, never contacted
  f.kms.push_back(k);
  return f;
}

TEST(DoctorChecks, ASilentAzureKmsThatTheFirewallLetsOutIsForcedTunnellingWithTheCommands) {
  const auto checks = evaluate(azure_silent_kms());
  const Check& fw = find(checks, "windows-firewall");
  EXPECT_EQ(fw.status, Status::kPass) << fw.summary;
  const Check& c = find(checks, "azure-kms");
  EXPECT_EQ(c.status, Status::kFail);
  // Every address of the cloud's KMS hosts, current and legacy, gets its /32 route, in both tools.
  for (const char* a : {"20.118.99.224", "40.83.235.53", "23.102.135.246"}) {
    EXPECT_NE(c.remedy.find(std::string("--address-prefix ") + a + "/32 --next-hop-type Internet"),
              std::string::npos) << a << ": " << c.remedy;
    EXPECT_NE(c.remedy.find(std::string("-AddressPrefix ") + a + "/32 -NextHopType Internet"),
              std::string::npos) << a;
  }
  // The effective routes of this VM's NIC, with the names IMDS gave.
  EXPECT_NE(c.remedy.find("az network nic show-effective-route-table --ids $(az vm show -g rg-avd -n "
                          "avd-host-3"), std::string::npos) << c.remedy;
  EXPECT_NE(c.remedy.find("Get-AzEffectiveRouteTable -ResourceGroupName rg-avd"), std::string::npos);
  EXPECT_NE(c.remedy.find("8d10da13-8125-4ba9-a717-bf7490507b3d"), std::string::npos);
  EXPECT_NE(std::find(c.evidence.begin(), c.evidence.end(),
                      "Windows Firewall: no active profile blocks TCP 1688 out to azkms.core.windows.net"),
            c.evidence.end());
}

TEST(DoctorChecks, ForcedTunnellingInUsGovSetsTheCloudAndUsesItsAddresses) {
  Facts f = azure_silent_kms();
  f.activation.cloud = "usgov";
  f.azure_vm = {};
  f.kms[0] = kms_report("azkms.core.usgovcloudapi.net", activation::KmsVerdict::kUnreachable);
  f.kms[0].addresses = {"52.126.105.2"};
  const Check& c = find(evaluate(f), "azure-kms");
  EXPECT_NE(c.remedy.find("az cloud set --name AzureUSGovernment"), std::string::npos) << c.remedy;
  EXPECT_NE(c.remedy.find("52.126.105.2/32"), std::string::npos);
  EXPECT_NE(c.remedy.find("23.97.0.13/32"), std::string::npos);
  EXPECT_EQ(c.remedy.find("20.118.99.224"), std::string::npos) << "public cloud's address in usgov";
  EXPECT_NE(c.remedy.find("-g <vm-resource-group> -n <vm-name>"), std::string::npos)
      << "placeholders when IMDS gave no names";
}

TEST(DoctorChecks, AnUnresolvedAzureKmsIsDnsNotForcedTunnelling) {
  Facts f = azure_silent_kms();
  f.kms[0] = kms_report("azkms.core.windows.net", activation::KmsVerdict::kUnresolved);
  f.kms[0].resolve_error = "Name or service not known";
  const Check& c = find(evaluate(f), "azure-kms");
  EXPECT_EQ(c.remedy.find("route-table"), std::string::npos) << c.remedy;
  EXPECT_EQ(c.remedy.rfind("the probe's remedy", 0), 0u);
}

TEST(DoctorChecks, AnOutboundBlockRuleIsNamedByBothTheFirewallAndTheKmsCheck) {
  Facts f = azure_silent_kms();
  f.firewall.policy.rules.push_back(block_rule("Block KMS", "1688"));
  const auto checks = evaluate(f);
  const Check& fw = find(checks, "windows-firewall");
  EXPECT_EQ(fw.status, Status::kFail);
  EXPECT_NE(fw.summary.find("\"Block KMS\" blocks TCP 20.118.99.224:1688"), std::string::npos) << fw.summary;
  EXPECT_NE(fw.summary.find("(3 flows blocked in all)"), std::string::npos) << fw.summary;
  // Block rules beat allow rules: the fix narrows the rule, leaving out exactly the KMS addresses.
  EXPECT_NE(fw.remedy.find("Set-NetFirewallRule -DisplayName \"Block KMS\" -RemoteAddress "
                           "0.0.0.0-20.118.99.223,20.118.99.225-23.102.135.245,23.102.135.247-40.83.235.52,"
                           "40.83.235.54-255.255.255.255"),
            std::string::npos) << fw.remedy;
  const Check& kms = find(checks, "azure-kms");
  EXPECT_EQ(kms.remedy.rfind("Windows Firewall blocks it", 0), 0u) << kms.remedy;
  EXPECT_EQ(kms.remedy.find("route-table"), std::string::npos) << "not forced tunnelling";
  EXPECT_NE(std::find_if(kms.evidence.begin(), kms.evidence.end(),
                         [](const std::string& e) { return e.find("\"Block KMS\"") != std::string::npos; }),
            kms.evidence.end());
  // The IMDS flow is not on port 1688: it passes.
  EXPECT_NE(std::find_if(fw.evidence.begin(), fw.evidence.end(),
                         [](const std::string& e) { return e == "TCP 169.254.169.254:80 (IMDS): allowed"; }),
            fw.evidence.end());
}

TEST(DoctorChecks, ADefaultOutboundBlockGetsTheAllowRulesForImdsAndKms) {
  Facts f = azure_silent_kms();
  for (auto& p : f.firewall.policy.profiles) p.outbound_block_default = true;
  const auto checks = evaluate(f);
  const Check& fw = find(checks, "windows-firewall");
  EXPECT_EQ(fw.status, Status::kFail);
  EXPECT_NE(fw.remedy.find("New-NetFirewallRule -DisplayName \"hciattest: allow IMDS (TCP 80 out)\" "
                           "-Direction Outbound -Action Allow -Protocol TCP -RemoteAddress "
                           "169.254.169.254 -RemotePort 80"),
            std::string::npos) << fw.remedy;
  EXPECT_NE(fw.remedy.find("-RemoteAddress 20.118.99.224,40.83.235.53,23.102.135.246 -RemotePort 1688"),
            std::string::npos) << fw.remedy;
  EXPECT_NE(fw.remedy.find("netsh advfirewall firewall add rule name="), std::string::npos);
  // Off the profile that is active, a default block does not matter.
  for (auto& p : f.firewall.policy.profiles) p.outbound_block_default = p.type != activation::kFwProfilePublic;
  EXPECT_EQ(find(evaluate(f), "windows-firewall").status, Status::kPass);
}

TEST(DoctorChecks, AnUnreadableFirewallWarnsOnWindowsAndIsSkippedOnLinux) {
  Facts f = azure_silent_kms();
  f.firewall = {};
  f.firewall.error = "CoCreateInstance(NetFwPolicy2): 0x80040154 Class not registered";
  const auto checks = evaluate(f);
  EXPECT_EQ(find(checks, "windows-firewall").status, Status::kWarn);
  const Check& kms = find(checks, "azure-kms");
  EXPECT_NE(kms.remedy.find("Windows Firewall could not be read (CoCreateInstance"), std::string::npos)
      << kms.remedy;
  f.firewall.error = "not applicable on Linux (Windows Firewall)";
  const auto linux_checks = evaluate(f);
  EXPECT_EQ(find(linux_checks, "windows-firewall").status, Status::kSkip);
  EXPECT_EQ(find(linux_checks, "azure-kms").remedy.find("could not be read"), std::string::npos);
}

TEST(DoctorChecks, OnAnHciVmTheFirewallChecksBothImdsAddresses) {
  Facts f = healthy_hci();
  f.firewall = firewall_reading();
  activation::FirewallRule b = block_rule("Block link-local", "*");
  b.remote_addresses = "169.254.169.253";
  f.firewall.policy.rules.push_back(b);
  const Check& fw = find(evaluate(f), "windows-firewall");
  EXPECT_EQ(fw.status, Status::kFail);
  EXPECT_NE(fw.summary.find("TCP 169.254.169.253:80 (the HCI host's IMDS)"), std::string::npos) << fw.summary;
  // Nothing is left of a one-address rule once that address is out: turn the rule off instead.
  EXPECT_NE(fw.remedy.find("Disable-NetFirewallRule -DisplayName \"Block link-local\""), std::string::npos)
      << fw.remedy;
}

Facts aws(const std::string& kms_gateway) {
  Facts f;
  f.platform = {Platform::kAws, "AWS EC2 instance", {"SMBIOS system manufacturer = \"Amazon EC2\""}};
  f.adapters.value = std::vector<hostcheck::Adapter>{adapter("Ethernet", "172.31.5.10", 20)};
  f.route_253.error = "no route";
  f.imds_attempted = true;
  f.imds.error = "http://169.254.169.254: HTTP 404";
  f.default_route = hostcheck::Result<hostcheck::Route>{route("0.0.0.0", 0, "172.31.0.1", "Ethernet", 6), ""};
  for (const char* a : {"169.254.169.250", "169.254.169.251"}) {  // data only, never contacted
    f.aws_routes.push_back({a, {route(a, 32, kms_gateway, "Ethernet", 6), ""}});
    f.kms.push_back(kms_report(a, activation::KmsVerdict::kKmsEndpoint));
  }
  return f;
}

TEST(DoctorChecks, AwsRoutesThroughTheSubnetGatewayPass) {
  auto checks = evaluate(aws("172.31.0.1"));
  EXPECT_EQ(find(checks, "aws-kms-routes").status, Status::kPass);
  EXPECT_EQ(find(checks, "aws-kms-1").status, Status::kPass);
  EXPECT_EQ(find(checks, "aws-kms-2").status, Status::kPass);
}

TEST(DoctorChecks, AStaleAmiRouteFailsAndSkipsTheKmsProbes) {
  auto checks = evaluate(aws("172.16.0.1"));  // the old subnet's gateway
  const Check& routes = find(checks, "aws-kms-routes");
  EXPECT_EQ(routes.status, Status::kFail);
  EXPECT_NE(routes.remedy.find("172.31.0.1"), std::string::npos);
  EXPECT_EQ(find(checks, "aws-kms-1").status, Status::kSkip);
}

TEST(DoctorChecks, AnUnreachableAwsKmsPointsAtTheRoutesAndSecurityGroups) {
  Facts f = aws("172.31.0.1");
  f.kms[1] = kms_report("169.254.169.251", activation::KmsVerdict::kUnreachable);  // data only
  const Check& c = find(evaluate(f), "aws-kms-2");
  EXPECT_EQ(c.status, Status::kFail);
  EXPECT_NE(c.remedy.find("security groups"), std::string::npos) << c.remedy;
}

activation::LaunchAgentVerdict launch_agent(bool v2, bool v1_scheduled) {
  activation::LaunchAgentProbe p;
  if (v2) p.v2_service = true;
  else p.v1_files = {"C:\\ProgramData\\Amazon\\EC2-Windows\\Launch\\Scripts\\InitializeInstance.ps1"};
  p.v1_task_scheduled = v1_scheduled;
  return activation::classify_launch_agent(p);
}

TEST(DoctorChecks, AStaleRouteRemedySaysWhetherTheRepairLastsPerLaunchAgent) {
  Facts f = aws("172.16.0.1");  // the old subnet's gateway
  f.activation.launch_agent = launch_agent(false, false);
  auto checks = evaluate(f);
  const Check& agent = find(checks, "aws-launch-agent");
  EXPECT_EQ(agent.status, Status::kWarn);
  EXPECT_NE(agent.summary.find("EC2Launch v1"), std::string::npos) << agent.summary;
  const Check& routes = find(checks, "aws-kms-routes");
  EXPECT_NE(routes.remedy.find("InitializeInstance.ps1 -Schedule"), std::string::npos) << routes.remedy;
  EXPECT_NE(routes.remedy.find("or move to EC2Launch v2"), std::string::npos);

  f.activation.launch_agent = launch_agent(true, false);
  checks = evaluate(f);
  EXPECT_EQ(find(checks, "aws-launch-agent").status, Status::kPass);
  EXPECT_NE(find(checks, "aws-kms-routes").remedy.find("sets these routes again at every boot"),
            std::string::npos);

  f.activation.launch_agent.reset();  // not read (off Windows): the check says so
  EXPECT_EQ(find(evaluate(f), "aws-launch-agent").status, Status::kSkip);
}

TEST(DoctorChecks, AProxyWithoutAnImdsBypassWarns) {
  Facts f = healthy_hci();
  f.proxy_env["HTTPS_PROXY"] = "http://proxy.contoso.test:3128";
  Report r = report_of(f);
  EXPECT_EQ(find(r.checks, "proxy").status, Status::kWarn);
  EXPECT_EQ(verdict(r, false), Verdict::kWarnings);
  EXPECT_EQ(verdict(r, true), Verdict::kFailures);
  f.proxy_env["NO_PROXY"] = "169.254.169.254,169.254.169.253";
  EXPECT_EQ(find(evaluate(f), "proxy").status, Status::kPass);
}

TEST(DoctorChecks, AFailedVerificationCarriesItsCode) {
  Facts f = healthy_hci();
  attest::VerificationReport bad;
  bad.code = attest::ErrorCode::kChainIssuerMissing;
  bad.message = "the issuer is missing";
  f.verification = bad;
  const Check& doc = find(evaluate(f), "attested-document");
  EXPECT_EQ(doc.status, Status::kFail);
  EXPECT_NE(doc.summary.find("chain_issuer_missing"), std::string::npos);
}

TEST(DoctorChecks, TheVmbusPathIsSkippedOnLinux) {
  Facts f = healthy_hci();
  EXPECT_EQ(find(evaluate(f), "hci-vmbus-path").status, Status::kSkip);
}

TEST(DoctorChecks, TheVmbusPathNeedsTheGuestServiceInterface) {
  Facts f = healthy_hci();
  f.services_supported = true;
  hostcheck::ServiceState running;
  running.exists = true;
  running.running = true;
  running.state = "running";
  running.start_type = "manual";
  f.guest_interface.value = running;
  EXPECT_EQ(find(evaluate(f), "hci-vmbus-path").status, Status::kPass);
  hostcheck::ServiceState stopped = running;
  stopped.running = false;
  stopped.state = "stopped";
  f.guest_interface.value = stopped;
  Check warn = find(evaluate(f), "hci-vmbus-path");
  EXPECT_EQ(warn.status, Status::kWarn);  // the legacy .253 path still works
  EXPECT_NE(warn.remedy.find("Enable-VMIntegrationService"), std::string::npos);
  f.tcp_253.connected = false;
  f.tcp_253.error = "timed out";
  EXPECT_EQ(find(evaluate(f), "hci-vmbus-path").status, Status::kFail);
  f.guest_interface.value.reset();
  f.guest_interface.error = "OpenSCManagerW failed: 0x00000005 Access is denied.";
  EXPECT_EQ(find(evaluate(f), "hci-vmbus-path").status, Status::kWarn);
}

// Windows facts of an Azure Stack HCI VM running Windows Server 2022 Datacenter: Azure Edition.
Facts hci_azure_edition(int license_status) {
  Facts f = healthy_hci();
  f.activation.version = {"ServerTurbine", "", "Server", 20348};
  f.activation.licensing = {};
  f.activation.licensing.available = true;
  f.activation.licensing.description = "Windows(R) Operating System, VOLUME_KMSCLIENT channel";
  f.activation.licensing.partial_product_key = "KHMXV";
  f.activation.licensing.status = activation::license_status_from(license_status);
  f.activation.licensing.status_reason = license_status == 1 ? 0 : 0x803F7001;
  f.activation.task = {true, "", true, true, "ready", 0u, "2026-11-30T08:00:01", "", {}, {}};
  f.activation.elevated = true;
  return f;
}

TEST(DoctorChecks, OnLinuxTheLicensingChecksAreSkippedAsNotApplicable) {
  auto checks = evaluate(healthy_hci());
  EXPECT_EQ(find(checks, "windows-licensing").status, Status::kSkip);
  EXPECT_NE(find(checks, "windows-licensing").summary.find("not applicable on Linux"),
            std::string::npos);
  EXPECT_EQ(find(checks, "license-imds-task").status, Status::kSkip);
}

TEST(DoctorChecks, AnActivatedAzureEditionPassesBothLicensingChecks) {
  auto checks = evaluate(hci_azure_edition(1));
  EXPECT_EQ(find(checks, "windows-licensing").status, Status::kPass);
  EXPECT_EQ(find(checks, "license-imds-task").status, Status::kPass);
  EXPECT_NE(find(checks, "windows-licensing").evidence.front().find("Datacenter: Azure Edition"),
            std::string::npos);
}

TEST(DoctorChecks, NotActivatedFailsWithTheDecodedReasonAndThePlan) {
  const Check c = find(evaluate(hci_azure_edition(5)), "windows-licensing");
  EXPECT_EQ(c.status, Status::kFail);
  EXPECT_NE(c.summary.find("0x803F7001 (no_license_found"), std::string::npos) << c.summary;
  EXPECT_EQ(c.remedy, "hciattest activate --plan shows the repair (imds: run-task)");
}

TEST(DoctorChecks, TheImdsTaskBranches) {
  Facts f = hci_azure_edition(5);
  f.activation.task.last_result = 0x41303u;
  EXPECT_EQ(find(evaluate(f), "license-imds-task").status, Status::kWarn);
  f.activation.task.last_result = 0xC004F074u;
  Check failed = find(evaluate(f), "license-imds-task");
  EXPECT_EQ(failed.status, Status::kFail);
  EXPECT_NE(failed.summary.find("0xC004F074"), std::string::npos);
  EXPECT_NE(failed.remedy.find("hciattest kms probe"), std::string::npos) << failed.remedy;
  f.activation.task.enabled = false;
  Check disabled = find(evaluate(f), "license-imds-task");
  EXPECT_EQ(disabled.status, Status::kFail);
  EXPECT_NE(disabled.remedy.find("enable-task, run-task"), std::string::npos) << disabled.remedy;
  f.activation.task.exists = false;
  EXPECT_NE(find(evaluate(f), "license-imds-task").summary.find("does not exist"),
            std::string::npos);
  f.activation.task = {};
  f.activation.task.error = "ITaskService::Connect failed: 0x80070005";
  EXPECT_EQ(find(evaluate(f), "license-imds-task").status, Status::kWarn);
}

TEST(DoctorChecks, TheTaskCheckIsSkippedWhereKmsIsTheMethod) {
  Facts f = hci_azure_edition(5);
  f.platform.platform = Platform::kAzure;  // Azure Edition on Azure: KMS
  const Check c = find(evaluate(f), "license-imds-task");
  EXPECT_EQ(c.status, Status::kSkip);
  EXPECT_NE(c.summary.find("does not activate through IMDS"), std::string::npos);
}

TEST(DoctorChecks, TheWindowsChainCheckCatchesWhatMakesTheWatermark) {
  Facts f = healthy_hci();
  EXPECT_EQ(find(evaluate(f), "windows-chain").status, Status::kSkip);
  activation::WindowsChainResult w;
  w.available = true;
  w.trusted = false;
  w.error_status = 0x10000;
  w.problems = activation::trust_error_phrases(w.error_status);
  w.chain = {"C=US, O=Microsoft Corporation, CN=eastus.metadata.azure.com"};
  w.missing_issuer = "C=US, O=Microsoft Corporation, CN=Microsoft Azure RSA TLS Issuing CA 04";
  f.windows_chain = w;
  Check c = find(evaluate(f), "windows-chain");
  EXPECT_EQ(c.status, Status::kFail);
  EXPECT_NE(c.summary.find("although hciattest's own check passes"), std::string::npos);
  EXPECT_NE(c.remedy.find("Microsoft Azure RSA TLS Issuing CA 04 into the LocalMachine"),
            std::string::npos) << c.remedy;
  EXPECT_NE(c.evidence.back().find("missing issuer"), std::string::npos);
  f.windows_chain->missing_issuer.clear();
  f.windows_chain->error_status = 0x20;
  EXPECT_NE(find(evaluate(f), "windows-chain").remedy.find("Trusted Root"),
            std::string::npos);
  f.windows_chain->trusted = true;
  f.windows_chain->error_status = 0;
  EXPECT_EQ(find(evaluate(f), "windows-chain").status, Status::kPass);
  f.windows_chain.reset();
  EXPECT_NE(find(evaluate(f), "windows-chain").summary.find("no attested document"),
            std::string::npos);
}

TEST(DoctorChecks, TheWindowsChainRemedyExportsAndInstallsTheBundledChain) {
  Facts f = healthy_hci();
  const auto bundle = attest::bundled_anchors();
  auto bundled = [&bundle](const std::string& name) {
    for (const auto& e : bundle) {
      if (e.name == name) return e.certificate;
    }
    throw std::runtime_error("not bundled: " + name);
  };
  std::vector<attest::CertificateSummary> path(1);
  path[0].subject = "CN=eastus.metadata.azure.com";
  path.push_back(bundled("microsoft_tls_g2_rsa_ca_ocsp_06"));
  path.push_back(bundled("microsoft_tls_rsa_root_g2"));
  f.verification->chain = attest::CertificatePath(path);
  activation::WindowsChainResult w;
  w.available = true;
  w.error_status = 0x10000;
  w.missing_issuer = "CN=Microsoft TLS G2 RSA CA OCSP 06";
  f.windows_chain = w;
  const std::string remedy = find(evaluate(f), "windows-chain").remedy;
  EXPECT_NE(remedy.find("hciattest anchors --export microsoft_tls_g2_rsa_ca_ocsp_06 --out "
                        "microsoft_tls_g2_rsa_ca_ocsp_06.crt && certutil -addstore CA "
                        "microsoft_tls_g2_rsa_ca_ocsp_06.crt"),
            std::string::npos)
      << remedy;
  EXPECT_NE(remedy.find("certutil -addstore Root microsoft_tls_rsa_root_g2.crt"), std::string::npos)
      << remedy;
  EXPECT_LT(remedy.find("ocsp_06"), remedy.find("-addstore Root"));  // the CA first, the root next
  EXPECT_NE(remedy.find("LicenseImdsIntegration"), std::string::npos);
  EXPECT_NE(remedy.find("fclip.exe"), std::string::npos);
}

TEST(DoctorChecks, ACaAboutToExpireWarnsWithTheRemedy) {
  Facts f = healthy_hci();
  EXPECT_EQ(find(evaluate(f), "chain-expiry").status, Status::kPass);
  attest::ChainWarning w;
  w.id = "ca_expiring";
  w.subject = "CN=Microsoft TLS G2 RSA CA OCSP 02";
  w.origin = "bundled";
  w.not_after = "2029-06-03T20:03:00Z";
  w.seconds_left = 40 * 86400;
  w.message = "\"CN=Microsoft TLS G2 RSA CA OCSP 02\" (bundled) ... expires";
  f.verification->warnings.push_back(w);
  Check c = find(evaluate(f), "chain-expiry");
  EXPECT_EQ(c.status, Status::kWarn);
  EXPECT_NE(c.remedy.find("--intermediates-file"), std::string::npos);
  EXPECT_NE(c.remedy.find("update hciattest"), std::string::npos);
  EXPECT_NE(c.evidence.at(0).find("2029-06-03"), std::string::npos);
  f.verification->verified = false;
  EXPECT_EQ(find(evaluate(f), "chain-expiry").status, Status::kSkip);
}

TEST(DoctorChecks, SppEventsShowWindowsOwnAttempts) {
  Facts f = hci_azure_edition(5);
  EXPECT_EQ(find(evaluate(f), "spp-events").status, Status::kSkip);  // Linux
  f.spp_events = {};
  f.spp_events.available = true;
  EXPECT_EQ(find(evaluate(f), "spp-events").summary, "no activation attempt is logged");
  f.spp_events.events = {{8198, "2026-11-30T09:00:00Z", {"hr=0xC004F074"}},
                         {12288, "2026-11-30T08:59:00Z", {"azkms.core.windows.net:1688"}}};
  Check c = find(evaluate(f), "spp-events");
  EXPECT_EQ(c.status, Status::kFail);
  EXPECT_NE(c.remedy.find("hciattest kms probe"), std::string::npos) << c.remedy;
  f.activation.licensing.status = activation::LicenseStatus::kLicensed;
  EXPECT_EQ(find(evaluate(f), "spp-events").status, Status::kWarn);
  f.spp_events.events.insert(f.spp_events.events.begin(), {12289, "2026-11-30T10:00:00Z", {"0x0"}});
  f.spp_events.events.insert(f.spp_events.events.begin() + 1,
                             {12288, "2026-11-30T09:59:59Z", {"azkms.core.windows.net:1688"}});
  EXPECT_EQ(find(evaluate(f), "spp-events").status, Status::kPass);
}

TEST(DoctorReport, TheVerdictFollowsTheWorstCheckAndStrictTurnsWarningsIntoFailures) {
  Report r;
  EXPECT_EQ(verdict(r, false), Verdict::kHealthy);
  r.checks = {Check{"a", "a", Status::kSkip, "", {}, ""}, Check{"b", "b", Status::kPass, "", {}, ""}};
  EXPECT_EQ(verdict(r, false), Verdict::kHealthy);
  EXPECT_EQ(verdict(r, true), Verdict::kHealthy);
  r.checks.push_back(Check{"c", "c", Status::kWarn, "", {}, "fix c"});
  EXPECT_EQ(verdict(r, false), Verdict::kWarnings);
  EXPECT_EQ(verdict(r, true), Verdict::kFailures);
  r.checks.insert(r.checks.begin(), Check{"d", "d", Status::kFail, "", {}, "fix d"});
  EXPECT_EQ(verdict(r, false), Verdict::kFailures);
  EXPECT_STREQ(verdict_id(Verdict::kWarnings), "warnings");
}

}  // namespace
}  // namespace hciattest::doctor
