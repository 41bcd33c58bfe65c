// The emulator's signing PKI: root -> issuing CA -> signer, made at start (or loaded from a
// folder), so documents verify with `hciattest verify --ca-file <root>` and nothing else.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace hciattest::emulator {

class SigningPki {
 public:
  enum class Signer {
    kGenuine,    // CN=<signer name>, valid now
    kWrongName,  // CN=metadata.azure.com.evil.example, same issuing CA
    kExpired,    // CN=<signer name>, expired a day ago
  };

  // Generates a fresh hierarchy whose signer is named `signer_name` (plus "<region>." + name in
  // the SAN, as real signers carry), valid around `now` (Unix seconds).
  static SigningPki generate(const std::string& signer_name, std::int64_t now);

  // Loads root.pem, issuing-ca.pem, issuing-ca.key, signer.pem and signer.key from `dir`.
  // Throws std::runtime_error naming the file and what to do.
  static SigningPki load(const std::string& dir, std::int64_t now);

  // Writes the same five files into `dir` (created if missing). Keys are written 0600.
  void save(const std::string& dir) const;

  std::string root_pem() const;

  // A PKCS#7 SignedData over `content` as IMDS makes it (attached, no signed attributes), with
  // the signer and the issuing CA embedded; returned as base64.
  std::string sign(const std::string& content, Signer signer = Signer::kGenuine) const;

  SigningPki(SigningPki&&) noexcept;
  SigningPki& operator=(SigningPki&&) noexcept;
  ~SigningPki();

 private:
  SigningPki();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hciattest::emulator
