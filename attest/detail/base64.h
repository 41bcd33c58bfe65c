// Base64 decoding of the attested-document signature. Private to attest/.
#pragma once

#include <string_view>
#include <vector>

namespace hciattest::attest::detail {

// Decodes `text` exactly as decode_base64_openssl does: the base64 alphabet, '=' padding and
// line breaks ("\r", "\n") only; nothing but padding and line breaks after the first '='; at
// least one byte out. Unwrapped text (length a multiple of 4, padding only at the end, the form
// IMDS sends) takes a table-driven one-shot path; anything else goes through OpenSSL.
// False (and `out` unspecified) when the text is not valid base64.
bool decode_base64(std::string_view text, std::vector<unsigned char>& out);

// The one-shot path alone: true only for unwrapped text (alphabet characters, length a multiple
// of 4, one or two '=' only at the end) that decodes; false says nothing more.
bool decode_base64_unwrapped(std::string_view text, std::vector<unsigned char>& out);

// The reference: OpenSSL's streaming decoder (EVP_DecodeUpdate/EVP_DecodeFinal), which tolerates
// line breaks, with the extra checks above. The fuzzer checks that both agree.
bool decode_base64_openssl(std::string_view text, std::vector<unsigned char>& out);

}  // namespace hciattest::attest::detail
