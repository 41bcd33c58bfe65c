// doctor::collect over a faked machine (adapters, routes, DNS, the KMS exchange, the OS readers)
// and the real emulator over loopback HTTP: what is probed, what is not, and where each fact
// comes from. Linux only: it starts the emulator's server.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "doctor/checks.h"
#include "doctor/collect.h"
#include "tests/doctor/facts_fixture.h"
#include "tests/support/emulator_fixture.h"

namespace hciattest::doctor {
namespace {

constexpr std::int64_t kNow = 1780315200;  // 2026-06-01T12:00:00Z, inside the shared PKI

using fakes::adapter;
using fakes::route;

// A network that records what was asked of it.
class FakeNetwork : public hostcheck::NetworkInspector {
 public:
  std::vector<hostcheck::Adapter> adapter_list;
  std::vector<hostcheck::Route> table;
  std::vector<std::string> tcp_probes;   // "address:port"
  std::vector<std::string> resolved;     // names asked

  hostcheck::Result<std::vector<hostcheck::Adapter>> adapters() override {
    return {adapter_list, ""};
  }
  hostcheck::Result<std::vector<hostcheck::Route>> ipv4_routes() override { return {table, ""}; }
  hostcheck::Result<hostcheck::Route> route_to(const std::string& ipv4) override {
    hostcheck::Result<hostcheck::Route> r;
    r.value = hostcheck::select_route(table, ipv4);
    if (!r.ok()) r.error = "no route to " + ipv4;
    return r;
  }
  hostcheck::ConnectProbe tcp_connect(const std::string& ipv4, std::uint16_t port,
                                      std::chrono::milliseconds) override {
    tcp_probes.push_back(ipv4 + ":" + std::to_string(port));
    hostcheck::ConnectProbe p;
    p.connected = true;
    return p;
  }
  hostcheck::Result<std::vector<std::string>> resolve(const std::string& name) override {
    resolved.push_back(name);
    return {std::vector<std::string>{"20.118.99.224"}, ""};
  }
};

class DoctorCollect : public ::testing::Test {
 protected:
  void SetUp() override {
    emu_ = testing::start_emulator(emulator::Faults{}, kNow);
    auto trust = std::make_shared<attest::TrustStore>();
    ASSERT_TRUE(trust->add_anchors_pem(testing::shared_emulator_pki()->root_pem(), "test root").ok);
    inputs_.trust = trust;
    inputs_.options.time = kNow;
    inputs_.options.signer_domains = {"metadata.azure.com"};
    inputs_.request.endpoints = {emu_.url};
    inputs_.request.timeout = std::chrono::milliseconds(5000);
    inputs_.default_endpoints = false;

    // Every reader is a fake built here, never real_machine(): a forgotten override must not
    // leave a real KMS exchange or IMDS client able to send to 169.254.169.x from this machine.
    machine_.net = &net_;
    machine_.kms.resolve = [this](const std::string& name, std::vector<std::string>& addresses,
                                  std::string&) {
      addresses = *net_.resolve(name).value;
      return true;
    };
    machine_.query_service = [](const std::string&) {
      return hostcheck::Result<hostcheck::ServiceState>{std::nullopt, "fake: no services"};
    };
    machine_.imds = testing::instant_environment(emu_.clock);
    machine_.smbios = [this] { return smbios_; };
    machine_.services_supported = [] { return false; };
    machine_.proxy_env = [] { return std::map<std::string, std::string>{{"HTTPS_PROXY", "http://p:3128"}}; };
    machine_.kms.exchange = [this](const std::string& address, std::uint16_t port,
                                   const std::vector<std::uint8_t>&, const activation::ReplyLength&,
                                   std::size_t, std::chrono::milliseconds) {
      kms_exchanges_.push_back(address + ":" + std::to_string(port));
      activation::ExchangeResult r;
      r.stage = activation::ExchangeStage::kConnect;
      r.error = "connection refused (fake)";
      return r;
    };
    machine_.activation = [this](hostcheck::Platform p, const std::string& cloud) {
      activation_asked_ = std::string(hostcheck::platform_id(p)) + "/" + cloud;
      activation::ActivationFacts f;
      f.platform = p;
      f.licensing.error = "fake licensing";
      return f;
    };
    machine_.windows_chain = [this](const std::vector<std::vector<unsigned char>>& certs) {
      chain_certificates_ = certs.size();
      activation::WindowsChainResult r;
      r.error = "fake chain engine";
      return r;
    };
    machine_.spp_events = [] {
      activation::SppEventReading r;
      r.error = "fake events";
      return r;
    };
    machine_.firewall = [] {
      activation::FirewallReading r;
      r.error = "fake firewall";
      return r;
    };
  }

  // A Hyper-V guest with the HCI IMDS adapter: 169.254.77.20/16, and .253 on-link through it.
  void hci_network() {
    net_.adapter_list = {adapter("Ethernet", "10.0.0.4", 24, 4),
                         adapter("Ethernet 2", "169.254.77.20", 16, 7)};
    net_.table = {route("0.0.0.0", 0, "10.0.0.1", "Ethernet", 4),
                  route("10.0.0.0", 24, "", "Ethernet", 4),
                  route("169.254.0.0", 16, "", "Ethernet 2", 7)};
  }

  testing::RunningEmulator emu_;
  Inputs inputs_;
  FakeNetwork net_;
  Machine machine_;
  hostcheck::Smbios smbios_{"Microsoft Corporation", "Virtual Machine", "4c4c4544-0042", "", "", "", "fake", ""};
  std::vector<std::string> kms_exchanges_;
  std::string activation_asked_;
  std::size_t chain_certificates_ = 0;
};

TEST_F(DoctorCollect, OnTheHciAdapterTheHostPortIsProbedAndTheDocumentVerified) {
  hci_network();
  inputs_.default_endpoints = true;  // as without --endpoint: the adapter starts .253 at once
  const Facts f = collect(inputs_, machine_);
  EXPECT_EQ(net_.tcp_probes, std::vector<std::string>{"169.254.169.253:80"});
  EXPECT_TRUE(f.tcp_253.connected);
  EXPECT_NE(f.imds_race.find("Ethernet 2 (169.254.77.20/16)"), std::string::npos) << f.imds_race;
  ASSERT_TRUE(f.imds.ok) << f.imds.error;
  ASSERT_TRUE(f.verification.has_value());
  EXPECT_TRUE(f.verification->verified) << attest::error_id(f.verification->code);
  EXPECT_GE(chain_certificates_, 1u);  // the document's signer went to Windows' chain engine
  // /metadata/instance from the endpoint that answered.
  EXPECT_NE(std::find(f.instance_evidence.begin(), f.instance_evidence.end(),
                      "vmId=0b4c3a5e-7c1d-4f5e-9a3b-2d6e8f1a4c7b"),
            f.instance_evidence.end());
  EXPECT_EQ(f.azure_vm.subscription_id, "8d10da13-8125-4ba9-a717-bf7490507b3d");
  EXPECT_EQ(f.proxy_env.at("HTTPS_PROXY"), "http://p:3128");
  // A Hyper-V guest that is not Azure or AWS: no KMS host is probed.
  EXPECT_TRUE(kms_exchanges_.empty());
  EXPECT_TRUE(f.kms.empty());
  EXPECT_EQ(activation_asked_, "hyper-v/");
  EXPECT_EQ(f.firewall.error, "fake firewall");
  // The facts name the machine only through a verified document.
  const MachineIdentity id = machine_identity(f, "vm7");
  EXPECT_EQ(id.vm_id, "0b4c3a5e-7c1d-4f5e-9a3b-2d6e8f1a4c7b");
  EXPECT_EQ(id.smbios_uuid, "4c4c4544-0042");
}

TEST_F(DoctorCollect, WithoutALinkLocalRouteTheHostPortIsNeverProbed) {
  net_.adapter_list = {adapter("Ethernet", "10.0.0.4", 24, 4)};
  net_.table = {route("0.0.0.0", 0, "10.0.0.1", "Ethernet", 4)};  // .253 would go to the gateway
  inputs_.default_endpoints = true;
  const Facts f = collect(inputs_, machine_);
  EXPECT_TRUE(net_.tcp_probes.empty());
  EXPECT_NE(f.tcp_253.error.find("not probed"), std::string::npos) << f.tcp_253.error;
  EXPECT_EQ(f.imds_race, "");  // .254 first, as on Azure
}

TEST_F(DoctorCollect, OnAzureTheCloudsKmsHostIsProbedByName) {
  hci_network();
  smbios_.chassis_asset_tag = hostcheck::kAzureChassisAssetTag;
  inputs_.cloud = "usgov";
  const Facts f = collect(inputs_, machine_);
  EXPECT_EQ(f.platform.platform, hostcheck::Platform::kAzure);
  ASSERT_EQ(f.kms.size(), 1u);
  EXPECT_EQ(net_.resolved, std::vector<std::string>{"azkms.core.usgovcloudapi.net"});
  EXPECT_EQ(kms_exchanges_, std::vector<std::string>{"20.118.99.224:1688"});
  EXPECT_EQ(activation_asked_, "azure/usgov");
}

TEST_F(DoctorCollect, OnAwsBothKmsAddressesAndTheirRoutesFeedTheActivationFacts) {
  smbios_ = {"Amazon EC2", "m5.large", "ec2a1b2c-0000", "", "Amazon EC2", "1.0", "fake", ""};
  net_.adapter_list = {adapter("Ethernet", "172.31.5.9", 20, 4)};
  net_.table = {route("0.0.0.0", 0, "172.31.0.1", "Ethernet", 4),
                route("169.254.169.250", 32, "172.31.0.1", "Ethernet", 4)};
  const Facts f = collect(inputs_, machine_);
  EXPECT_EQ(f.platform.platform, hostcheck::Platform::kAws);
  EXPECT_EQ(kms_exchanges_, (std::vector<std::string>{"169.254.169.250:1688", "169.254.169.251:1688"}));
  EXPECT_TRUE(net_.resolved.empty());  // numeric addresses are not resolved
  ASSERT_TRUE(f.default_route && f.default_route->ok());
  EXPECT_EQ(f.default_route->value->gateway, "172.31.0.1");
  ASSERT_EQ(f.aws_routes.size(), 2u);
  ASSERT_EQ(f.activation.aws_routes.size(), 2u);
  EXPECT_EQ(f.activation.aws_routes[0].target, "169.254.169.250");
  ASSERT_TRUE(f.activation.aws_routes[0].route.has_value());
  EXPECT_EQ(f.activation.aws_routes[0].route->prefix_length, 32);
  ASSERT_TRUE(f.activation.default_route.has_value());
  EXPECT_EQ(activation_asked_, "aws/");
}

TEST_F(DoctorCollect, WhenImdsIsSilentNothingIsVerifiedAndTheChainEngineIsNotAsked) {
  hci_network();
  inputs_.request.endpoints = {"http://127.0.0.1:1"};  // nothing listens on port 1
  inputs_.request.timeout = std::chrono::milliseconds(300);
  const Facts f = collect(inputs_, machine_);
  EXPECT_FALSE(f.imds.ok);
  EXPECT_FALSE(f.verification.has_value());
  EXPECT_FALSE(f.windows_chain.has_value());
  EXPECT_EQ(chain_certificates_, 0u);
  EXPECT_TRUE(f.instance_evidence.empty());
  const auto checks = evaluate(f);
  auto it = std::find_if(checks.begin(), checks.end(), [](const Check& c) { return c.id == "imds-reachable"; });
  ASSERT_NE(it, checks.end());
  EXPECT_EQ(it->status, Status::kFail);
}

TEST(DoctorInstanceMetadata, NonJsonAndMissingComputeAreSaidNotIgnored) {
  Facts f;
  imds::ImdsResult r;
  r.ok = true;
  r.body = "<html>";
  read_instance_metadata(r, f);
  ASSERT_EQ(f.instance_evidence.size(), 1u);
  EXPECT_EQ(f.instance_evidence[0], "/metadata/instance did not answer: not JSON");
  f = {};
  r.body = R"({"compute":{"vmId":"v1","location":7,"name":"vm","resourceGroupName":"rg"}})";
  read_instance_metadata(r, f);
  EXPECT_EQ(f.instance_evidence, std::vector<std::string>{"vmId=v1"});  // a number is not taken
  EXPECT_EQ(f.azure_vm.resource_group, "rg");
  f = {};
  r.ok = false;
  r.error = "timed out";
  read_instance_metadata(r, f);
  EXPECT_EQ(f.instance_evidence[0], "/metadata/instance did not answer: timed out");
}

}  // namespace
}  // namespace hciattest::doctor
