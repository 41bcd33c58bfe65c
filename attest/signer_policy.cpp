#include "attest/signer_policy.h"

namespace hciattest::attest {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool well_formed(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '*' || c == '_';
    if (!ok) return false;
  }
  // '*' only as a whole leftmost label.
  auto star = name.find('*');
  if (star != std::string_view::npos && (star != 0 || name.size() < 2 || name[1] != '.' ||
                                         name.find('*', 1) != std::string_view::npos)) {
    return false;
  }
  return true;
}

}  // namespace

const std::vector<CloudSigner>& cloud_signers() {
  static const std::vector<CloudSigner> kSigners = {
      {"public", "metadata.azure.com"},
      {"usgov", "metadata.azure.us"},
      {"china", "metadata.azure.cn"},
      {"germany", "metadata.microsoftazure.de"},
  };
  return kSigners;
}

std::optional<std::vector<std::string>> signer_domains_for_cloud(std::string_view cloud) {
  std::vector<std::string> out;
  for (const auto& s : cloud_signers()) {
    if (cloud.empty() || s.cloud == cloud) out.emplace_back(s.domain);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

bool name_within_domain(std::string_view name, std::string_view domain) {
  if (!well_formed(name) || !well_formed(domain) || domain.find('*') != std::string_view::npos) {
    return false;
  }
  if (iequals(name, domain)) return true;
  if (name.size() <= domain.size() + 1) return false;
  const size_t cut = name.size() - domain.size();
  return name[cut - 1] == '.' && iequals(name.substr(cut), domain);
}

}  // namespace hciattest::attest
