#include "activation/product_keys.h"

#include <cctype>

namespace hciattest::activation {

const std::vector<ProductKeyEntry>& kms_client_keys() {
  // MicrosoftDocs/windowsserverdocs WindowsServerDocs/get-started/kms-client-activation-keys.md
  // ("Key Management Services (KMS) client activation and product keys"), as in FACTS.md.
  // Windows 10/11 Enterprise multi-session has no entry: Microsoft publishes no key for it and
  // its key must never be changed (it cannot be reverted).
  static const std::vector<ProductKeyEntry> kKeys = {
      {EditionFamily::kServerStandard, "2025", "TVRH6-WHNXV-R9WG3-9XRFY-MY832"},
      {EditionFamily::kServerDatacenter, "2025", "D764K-2NDRG-47T6Q-P8T8W-YP6DF"},
      {EditionFamily::kServerAzureEdition, "2025", "XGN3F-F394H-FD2MY-PP6FD-8MCRC"},
      {EditionFamily::kServerStandard, "2022", "VDYBN-27WPP-V4HQT-9VMD4-VMK7H"},
      {EditionFamily::kServerDatacenter, "2022", "WX4NM-KYWYW-QJJR4-XV3QB-6VM33"},
      {EditionFamily::kServerAzureEdition, "2022", "NTBV8-9K7Q8-V27C6-M2BTV-KHMXV"},
      {EditionFamily::kServerStandard, "2019", "N69G4-B89J2-4G8F4-WWYCC-J464C"},
      {EditionFamily::kServerDatacenter, "2019", "WMDGN-G9PQG-XVVXX-R3X43-63DFG"},
      {EditionFamily::kServerStandard, "2016", "WC2BQ-8NRM3-FDDYY-2BFGV-KHKQY"},
      {EditionFamily::kServerDatacenter, "2016", "CB7KF-BWN84-R7R2Y-793K2-8XDDG"},
      {EditionFamily::kEnterprise, "10/11", "NPPR9-FWDCX-D2C8J-H872K-2YT43"},
  };
  return kKeys;
}

std::optional<std::string> kms_client_key_for(const Edition& edition) {
  for (const auto& k : kms_client_keys()) {
    if (k.family == edition.family && k.release == edition.release) return k.key;
  }
  return std::nullopt;
}

bool is_product_key_form(const std::string& key) {
  if (key.size() != 29) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (i % 6 == 5) {
      if (c != '-') return false;
    } else if (!std::isdigit(static_cast<unsigned char>(c)) &&
               !std::isupper(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

}  // namespace hciattest::activation
