// KMS client setup keys (GVLKs): public, published by Microsoft for exactly this use, and the
// only keys this tool ever installs. One table, its source cited in product_keys.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "activation/edition.h"

namespace hciattest::activation {

struct ProductKeyEntry {
  EditionFamily family;
  std::string release;  // "2016" ... "2025", "10/11"
  std::string key;      // XXXXX-XXXXX-XXXXX-XXXXX-XXXXX
};

const std::vector<ProductKeyEntry>& kms_client_keys();

// The key for that edition and release; nullopt when Microsoft publishes none (multi-session,
// evaluation editions, unknown builds).
std::optional<std::string> kms_client_key_for(const Edition& edition);

// Five dash-separated groups of five characters from [0-9A-Z]: the shape of a product key. Checked
// before a key is handed to the licensing service.
bool is_product_key_form(const std::string& key);

}  // namespace hciattest::activation
