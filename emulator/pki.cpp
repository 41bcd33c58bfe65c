#include "emulator/pki.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "emulator/detail/x509_builder.h"
#include "io/bounded_read.h"

namespace hciattest::emulator {

using detail::CertRequest;
using detail::KeyedCert;

struct SigningPki::Impl {
  KeyedCert root;
  KeyedCert issuing;
  KeyedCert genuine;
  KeyedCert wrong_name;
  KeyedCert expired;
};

namespace {

constexpr std::int64_t kDay = 86400;

CertRequest leaf_request(const std::string& name, std::int64_t now) {
  CertRequest r;
  r.cn = name;
  r.organization.clear();
  r.dns = {name, "eastus." + name};
  r.not_before = now - 7 * kDay;
  r.not_after = now + 180 * kDay;
  r.ca_issuers = {"http://pki.emulator.invalid/issuing-ca.crt"};
  return r;
}

// The PEM files of --pki DIR: each holds one certificate or key, a few KiB.
constexpr std::size_t kMaxPkiFileBytes = 64 * 1024;

std::string read_text(const std::filesystem::path& p) {
  io::ReadResult r = io::read_file_at_most(p, kMaxPkiFileBytes);
  if (r.status == io::ReadStatus::kOverCap) {
    throw std::runtime_error(io::cap_message(p.string(), kMaxPkiFileBytes, "") +
                             ": --pki DIR holds the PEM files --save-pki wrote, a few KiB each");
  }
  if (r.status != io::ReadStatus::kOk) {
    throw std::runtime_error("cannot read " + p.string() + ": " + r.error +
                             ": --pki DIR needs root.pem, issuing-ca.pem, issuing-ca.key, "
                             "signer.pem and signer.key (write them with --save-pki DIR)");
  }
  return std::move(r.bytes);
}

void write_text(const std::filesystem::path& p, const std::string& text, bool secret) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error("cannot write " + p.string());
  f << text;
  f.close();
  if (secret) {
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
}

// The variants are issued by the same CA so that only the property under test differs.
void make_variants(KeyedCert& wrong_name, KeyedCert& expired, const KeyedCert& issuing,
                   const std::string& signer_name, std::int64_t now) {
  wrong_name = detail::issue(leaf_request("metadata.azure.com.evil.example", now), &issuing);
  CertRequest old = leaf_request(signer_name, now);
  old.not_before = now - 200 * kDay;
  old.not_after = now - kDay;
  expired = detail::issue(old, &issuing);
}

}  // namespace

SigningPki::SigningPki() : impl_(std::make_unique<Impl>()) {}
SigningPki::SigningPki(SigningPki&&) noexcept = default;
SigningPki& SigningPki::operator=(SigningPki&&) noexcept = default;
SigningPki::~SigningPki() = default;

SigningPki SigningPki::generate(const std::string& signer_name, std::int64_t now) {
  SigningPki pki;
  Impl& p = *pki.impl_;
  CertRequest root;
  root.cn = "hciattest Emulator Root CA";
  root.ca = true;
  root.eku.clear();
  root.not_before = now - 30 * kDay;
  root.not_after = now + 3650 * kDay;
  p.root = detail::issue(root, nullptr);
  CertRequest issuing;
  issuing.cn = "hciattest Emulator TLS Issuing CA";
  issuing.ca = true;
  issuing.not_before = now - 30 * kDay;
  issuing.not_after = now + 1000 * kDay;
  p.issuing = detail::issue(issuing, &p.root);
  p.genuine = detail::issue(leaf_request(signer_name, now), &p.issuing);
  make_variants(p.wrong_name, p.expired, p.issuing, signer_name, now);
  return pki;
}

SigningPki SigningPki::load(const std::string& dir, std::int64_t now) {
  namespace fs = std::filesystem;
  SigningPki pki;
  Impl& p = *pki.impl_;
  const fs::path d(dir);
  p.root = detail::load_cert(read_text(d / "root.pem"));
  p.issuing = detail::load_keyed_cert(read_text(d / "issuing-ca.pem"), read_text(d / "issuing-ca.key"));
  p.genuine = detail::load_keyed_cert(read_text(d / "signer.pem"), read_text(d / "signer.key"));
  std::string name;
  {
    char buf[256] = {0};
    X509_NAME_get_text_by_NID(X509_get_subject_name(p.genuine.x509.get()), NID_commonName, buf,
                              sizeof(buf));
    name = buf;
  }
  make_variants(p.wrong_name, p.expired, p.issuing, name, now);
  return pki;
}

void SigningPki::save(const std::string& dir) const {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const fs::path d(dir);
  write_text(d / "root.pem", impl_->root.pem(), false);
  write_text(d / "issuing-ca.pem", impl_->issuing.pem(), false);
  write_text(d / "issuing-ca.key", impl_->issuing.key_pem(), true);
  write_text(d / "signer.pem", impl_->genuine.pem(), false);
  write_text(d / "signer.key", impl_->genuine.key_pem(), true);
}

std::string SigningPki::root_pem() const { return impl_->root.pem(); }

std::string SigningPki::sign(const std::string& content, Signer signer) const {
  const KeyedCert& leaf = signer == Signer::kGenuine     ? impl_->genuine
                          : signer == Signer::kWrongName ? impl_->wrong_name
                                                         : impl_->expired;
  detail::SignRequest request;
  request.extra_certs = {&impl_->issuing};
  return detail::base64(detail::sign_pkcs7(content, leaf, request));
}

}  // namespace hciattest::emulator
