// The OpenSSL side of TrustStore, shared with the verifier. Private to attest/.
#pragma once

#include <map>
#include <string>

#include "attest/detail/openssl_util.h"

namespace hciattest::attest::detail {

struct TrustStoreImpl {
  X509StorePtr store{X509_STORE_new()};
  X509StackPtr intermediates{sk_X509_new_null()};
  std::size_t anchors = 0;
  bool partial_chain = false;                  // a non-self-signed anchor was added
  bool system_store = false;
  std::map<std::string, std::string> origins;  // sha256 hex -> origin
};

}  // namespace hciattest::attest::detail
