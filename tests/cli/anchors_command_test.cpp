// `hciattest anchors`: the listing (text and JSON), --ca-file/--intermediates-file added, the
// --expiring-within exit code, and --export (PEM, DER, unknown and ambiguous names).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "attest/anchors.h"
#include "cli/anchors_command.h"
#include "cli/exit_codes.h"
#include "tests/cli/run_cli.h"
#include "tests/support/test_pki.h"

namespace hciattest::cli {
namespace {

namespace fs = std::filesystem;
using hciattest::testing::run_cli;

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() /
               ("hciattest-anchors-" + std::to_string(std::chrono::steady_clock::now()
                                                          .time_since_epoch()
                                                          .count()));
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(AnchorsCommand, ListsEveryBundledCertificateAsJsonWithFingerprintsAndRoles) {
  auto r = run_cli({"anchors", "--output", "json"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], kAnchorsSchema);
  const auto bundle = attest::bundled_anchors();
  ASSERT_EQ(j["certificates"].size(), bundle.size());
  for (std::size_t i = 0; i < bundle.size(); ++i) {
    const auto& c = j["certificates"][i];
    EXPECT_EQ(c["name"], bundle[i].name);
    EXPECT_EQ(c["sha256"], bundle[i].listed_sha256);
    EXPECT_EQ(c["source"], "bundled");
    EXPECT_EQ(c["kind"], bundle[i].root ? "root" : "intermediate");
  }
}

TEST(AnchorsCommand, KeepsExpiredCertificatesListedAsExpired) {
  // The DigiCert cross-signs of the Azure issuing CAs expired on 2026-08-25.
  const auto bundle = attest::bundled_anchors();
  const auto j = anchors_to_json(bundle, 1798761600);  // 2027-01-01
  bool saw = false;
  for (const auto& c : j["certificates"]) {
    if (c["name"] == "microsoft_azure_rsa_tls_issuing_ca_03_xsign") {
      EXPECT_EQ(c["validity"], "expired");
      saw = true;
    }
  }
  EXPECT_TRUE(saw);
  EXPECT_NE(anchors_to_text(bundle, 1798761600).find("EXPIRED"), std::string::npos);
}

TEST(AnchorsCommand, ExpiringWithinCountsOnlyStillValidBundledCertificates) {
  const auto bundle = attest::bundled_anchors();
  const std::int64_t jul_2026 = 1782864000;  // 2026-07-01: the cross-signs have 55 days left
  const auto soon = expiring_bundled(bundle, jul_2026, 60);
  ASSERT_EQ(soon.size(), 4u);
  for (const auto* e : soon) EXPECT_NE(e->name.find("_xsign"), std::string::npos) << e->name;
  EXPECT_TRUE(expiring_bundled(bundle, jul_2026, 50).empty());
  // After they expired they no longer count, expired or not.
  EXPECT_TRUE(expiring_bundled(bundle, 1798761600, 60).empty());
}

TEST(AnchorsCommand, ExpiringWithinExitsThreeWhenTheSoonestValidOneFallsInside) {
  const auto bundle = attest::bundled_anchors();
  const std::int64_t now = now_seconds();
  std::int64_t soonest = -1;
  for (const auto& e : bundle) {
    if (attest::validity_at(e, now) != attest::ValidityAt::kValid) continue;
    const std::int64_t days = (e.certificate.not_after_unix - now) / 86400;
    if (soonest < 0 || days < soonest) soonest = days;
  }
  ASSERT_GT(soonest, 1) << "no bundled certificate is valid today: the bundle needs an update";
  auto inside = run_cli({"anchors", "--expiring-within", std::to_string(soonest + 1)});
  EXPECT_EQ(inside.code, kExitWarnings) << inside.err;
  EXPECT_NE(inside.err.find("expires on"), std::string::npos);
  auto outside = run_cli({"anchors", "--expiring-within", std::to_string(soonest - 1)});
  EXPECT_EQ(outside.code, kExitOk) << outside.err;
}

TEST(AnchorsCommand, ListsAddedFilesWithTheirRole) {
  const fs::path dir = temp_dir();
  const auto pki = testing::make_hierarchy();
  std::ofstream(dir / "root.pem") << pki.root.pem();
  std::ofstream(dir / "inter.pem") << pki.intermediate.pem();
  auto r = run_cli({"anchors", "-o", "json", "--ca-file", (dir / "root.pem").string(),
                    "--intermediates-file", (dir / "inter.pem").string()});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& added = j["certificates"];
  ASSERT_GE(added.size(), 2u);
  EXPECT_EQ(added[added.size() - 2]["role"], "anchor");
  EXPECT_EQ(added[added.size() - 2]["source"], (dir / "root.pem").string());
  EXPECT_EQ(added.back()["role"], "intermediate");
  auto bad = run_cli({"anchors", "--ca-file", (dir / "missing.pem").string()});
  EXPECT_EQ(bad.code, kExitUsage);
  EXPECT_NE(bad.err.find("missing.pem"), std::string::npos);
  fs::remove_all(dir);
}

TEST(AnchorsCommand, ExportsOneCertificateAsPemOrDerAndSaysHowToInstallIt) {
  const fs::path dir = temp_dir();
  const auto bundle = attest::bundled_anchors();
  const attest::AnchorEntry* ca = nullptr;
  for (const auto& e : bundle) {
    if (e.name == "microsoft_tls_g2_rsa_ca_ocsp_06") ca = &e;
  }
  ASSERT_NE(ca, nullptr);
  auto pem = run_cli({"anchors", "--export", "Microsoft TLS G2 RSA CA OCSP 06", "--out",
                      (dir / "ca.crt").string()});
  ASSERT_EQ(pem.code, kExitOk) << pem.err;
  EXPECT_NE(pem.out.find("certutil -addstore CA"), std::string::npos);
  std::vector<attest::AnchorEntry> back;
  ASSERT_TRUE(attest::read_certificates(slurp(dir / "ca.crt"), "ca.crt",
                                        attest::CertificateRole::kIntermediate, back)
                  .ok);
  EXPECT_EQ(back.at(0).certificate.sha256_hex, ca->certificate.sha256_hex);

  auto der = run_cli({"anchors", "--export", "microsoft_tls_rsa_root_g2", "--out",
                      (dir / "root.cer").string(), "--der"});
  ASSERT_EQ(der.code, kExitOk) << der.err;
  EXPECT_NE(der.out.find("certutil -addstore Root"), std::string::npos);
  const std::string bytes = slurp(dir / "root.cer");
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x30);  // a DER SEQUENCE, not PEM text

  auto ambiguous = run_cli({"anchors", "--export", "Microsoft TLS RSA Root G2", "--out",
                            (dir / "x.crt").string()});
  EXPECT_EQ(ambiguous.code, kExitUsage);
  EXPECT_NE(ambiguous.err.find("microsoft_tls_rsa_root_g2_xsign"), std::string::npos);
  auto unknown = run_cli({"anchors", "--export", "Microsoft TLS G2 RSA CA OCSP 18", "--out",
                          (dir / "x.crt").string()});
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_FALSE(fs::exists(dir / "x.crt"));
  auto no_out = run_cli({"anchors", "--export", "microsoft_tls_rsa_root_g2"});
  EXPECT_EQ(no_out.code, kExitUsage);
  EXPECT_NE(no_out.err.find("--out"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hciattest::cli
