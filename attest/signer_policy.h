// Which certificate names may sign an attested document.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hciattest::attest {

struct CloudSigner {
  std::string_view cloud;   // "public", "usgov", "china", "germany"
  std::string_view domain;  // the metadata host whose name (or a subdomain) signs documents
};

// The per-cloud signer names (MicrosoftDocs azure-compute-docs, instance-metadata-service.md,
// "Sample 2: Validating that the VM is running in Azure"). Data, not code.
const std::vector<CloudSigner>& cloud_signers();

// The domains for one cloud, or every cloud when `cloud` is empty; nullopt for an unknown name.
std::optional<std::vector<std::string>> signer_domains_for_cloud(std::string_view cloud);

// True when `name` equals `domain` or is a subdomain of it, compared case-insensitively label by
// label ("eastus.metadata.azure.com" is inside "metadata.azure.com";
// "evilmetadata.azure.com" and "metadata.azure.com.evil.example" are not). A leading "*." wildcard
// label counts as a subdomain. Names with NUL bytes, empty labels or a trailing dot never match.
bool name_within_domain(std::string_view name, std::string_view domain);

}  // namespace hciattest::attest
