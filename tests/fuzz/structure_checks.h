// Checks shared by the verifier's fuzz targets (verify_fuzzer: the whole path; verify_parse_fuzzer:
// the structure only): each fast path of attest/ against a reference, abort() on a difference.
#pragma once

#include <openssl/pkcs7.h>

#include <string>
#include <string_view>
#include <vector>

#include "attest/detail/openssl_util.h"
#include "attest/detail/signed_data.h"

namespace hciattest::fuzzing {

// The member a batch line carries its nonce in (the CLI's --batch): the verifiers read it too.
inline constexpr const char* kNonceMember = "expected_nonce";

[[noreturn]] void disagree(const char* what, const std::string& detail = {});

std::string_view trim(std::string_view s);

// decode_base64 against OpenSSL's streaming decoder.
void check_base64(std::string_view text);
// parse_payload against lookups in nlohmann's parsed tree.
void check_payload(std::string_view content);
// The parser-free envelope reading against nlohmann::json (the batch nonce too).
void check_envelope_body(std::string_view input);
// OpenSSL's full parse of `der` as a SignedData with attached content: the reference for
// compare_parse. Null, its errors cleared, when it refuses what our view may read (e.g. opaque
// CRLs): no reference then.
attest::detail::Pkcs7Ptr openssl_signed_data(const std::vector<unsigned char>& der);

// Our SignedData view against OpenSSL's full PKCS7 parser.
void compare_parse(const attest::detail::ParsedSignedData& ours, PKCS7* p7);

}  // namespace hciattest::fuzzing
