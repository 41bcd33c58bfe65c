#include "attest/envelope.h"

#include <openssl/evp.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace hciattest::attest {
namespace {

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

EnvelopeResult fail(ErrorCode code, std::string message) {
  EnvelopeResult r;
  r.code = code;
  r.message = std::move(message);
  return r;
}

// OpenSSL's streaming decoder tolerates line breaks (PEM-style wrapping, as `base64` writes) but
// rejects any other character; we additionally reject data after the padding.
bool decode_base64(std::string_view text, std::vector<unsigned char>& out) {
  // Only the base64 alphabet and line breaks: EVP_DecodeUpdate would skip spaces and tabs too,
  // turning prose into bytes.
  if (text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n") !=
      std::string_view::npos) {
    return false;
  }
  std::unique_ptr<EVP_ENCODE_CTX, decltype(&EVP_ENCODE_CTX_free)> ctx(EVP_ENCODE_CTX_new(),
                                                                      EVP_ENCODE_CTX_free);
  if (!ctx) return false;
  EVP_DecodeInit(ctx.get());
  out.assign(text.size() / 4 * 3 + 3, 0);
  int len = 0;
  int total = 0;
  int rc = EVP_DecodeUpdate(ctx.get(), out.data(), &len,
                            reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
  if (rc < 0) return false;
  total = len;
  if (EVP_DecodeFinal(ctx.get(), out.data() + total, &len) < 0) return false;
  total += len;
  // EVP_DecodeUpdate stops at the first '=' and silently ignores what follows; refuse that.
  auto pad = text.find('=');
  if (pad != std::string_view::npos &&
      text.find_first_not_of("= \t\r\n", pad) != std::string_view::npos) {
    return false;
  }
  if (total == 0) return false;
  out.resize(static_cast<size_t>(total));
  return true;
}

EnvelopeResult from_base64(std::string_view text, std::string form) {
  EnvelopeResult r;
  r.form = std::move(form);
  if (!decode_base64(text, r.der)) {
    return fail(ErrorCode::kEnvelopeBadBase64,
                "the signature is not valid base64: pass the \"signature\" value of the IMDS "
                "response unchanged (no quotes, no truncation)");
  }
  return r;
}

}  // namespace

EnvelopeResult decode_envelope(std::string_view input, std::size_t max_bytes) {
  if (input.size() > max_bytes) {
    return fail(ErrorCode::kEnvelopeTooLarge,
                "the document is " + std::to_string(input.size()) + " bytes, over the " +
                    std::to_string(max_bytes) +
                    "-byte limit: real attested documents are a few KiB; check that the input "
                    "is one IMDS response, or raise --max-bytes");
  }
  if (!input.empty() && static_cast<unsigned char>(input.front()) == 0x30) {
    EnvelopeResult r;
    r.form = "der";
    r.der.assign(input.begin(), input.end());
    return r;
  }
  std::string_view text = trim(input);
  if (text.empty()) {
    return fail(ErrorCode::kEnvelopeEmpty,
                "the input is empty: give the body of GET /metadata/attested/document");
  }
  if (text.front() != '{') return from_base64(text, "base64");

  nlohmann::json body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return fail(ErrorCode::kEnvelopeNotJson,
                "the input starts with '{' but is not a JSON object: give the IMDS response "
                "body {\"encoding\":\"pkcs7\",\"signature\":\"...\"} unchanged");
  }
  auto enc = body.find("encoding");
  if (enc == body.end() || !enc->is_string() || enc->get_ref<const std::string&>() != "pkcs7") {
    std::string seen = enc == body.end() ? "absent" : enc->dump();
    return fail(ErrorCode::kEnvelopeBadEncoding,
                "\"encoding\" is " + seen +
                    ", expected \"pkcs7\": this is not an attested document response (use "
                    "/metadata/attested/document, not /metadata/instance)");
  }
  auto sig = body.find("signature");
  if (sig == body.end() || !sig->is_string()) {
    return fail(ErrorCode::kEnvelopeMissingSignature,
                "the response has no string \"signature\" member: the body was cut or altered");
  }
  return from_base64(sig->get_ref<const std::string&>(), "json");
}

}  // namespace hciattest::attest
