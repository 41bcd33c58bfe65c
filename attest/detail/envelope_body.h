// A parser-free reading of the IMDS response body in its usual form. Private to attest/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hciattest::attest::detail {

enum class BodyScan {
  kDecoded,    // the usual body; `der` holds the decoded signature
  kBadBase64,  // the usual body, but its signature is not valid base64
  kUnusual,    // anything else: the caller parses the JSON
};

// Recognises a `text` (trimmed, starting with '{') that is exactly a JSON object with the two
// members "encoding": "pkcs7" and "signature": "<base64 alphabet and '='>", in any order, with
// JSON whitespace between tokens and no escape sequences, and decodes the signature as
// decode_base64 does. A non-empty `nonce_member` (no '"' or '\\' in it) allows a third member of
// that name whose value is a string of printable ASCII without escapes; its value goes to
// `nonce`, which stays empty otherwise. For every text not reported kUnusual, nlohmann::json reads
// the same members and values and decode_base64 gives the same verdict and bytes (the fuzzer
// checks that).
BodyScan decode_envelope_body(std::string_view text, std::vector<unsigned char>& der,
                              std::string_view nonce_member, std::optional<std::string>& nonce);

}  // namespace hciattest::attest::detail
