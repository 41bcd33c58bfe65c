// The OpenSSL side of TrustStore, shared with the verifier. Private to attest/.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "attest/detail/openssl_util.h"
#include "attest/trust_store.h"

namespace hciattest::attest::detail {

struct TrustStoreImpl {
  X509StorePtr store{X509_STORE_new()};
  X509StackPtr intermediates{sk_X509_new_null()};
  std::size_t anchors = 0;
  bool partial_chain = false;                  // a non-self-signed anchor was added
  bool system_store = false;
  std::map<std::string, std::string> origins;  // sha256 hex -> origin
};

// Reads every certificate of a PEM text into `out`; fails, with a message that says what to do, on
// a text without any certificate or with a damaged one. `source` names the text in messages.
// The one reader of --ca-file, --intermediates-file, the bundle and `hciattest anchors`.
TrustStoreStatus read_pem_certificates(std::string_view pem, const std::string& source,
                                       std::vector<X509Ptr>& out);

}  // namespace hciattest::attest::detail
