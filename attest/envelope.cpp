#include "attest/envelope.h"

#include <nlohmann/json.hpp>

#include "attest/detail/base64.h"
#include "attest/detail/envelope_body.h"

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

EnvelopeResult bad_base64() {
  return fail(ErrorCode::kEnvelopeBadBase64,
              "the signature is not valid base64: pass the \"signature\" value of the IMDS "
              "response unchanged (no quotes, no truncation)");
}

EnvelopeResult from_base64(std::string_view text, std::string form) {
  EnvelopeResult r;
  r.form = std::move(form);
  if (!detail::decode_base64(text, r.der)) return bad_base64();
  return r;
}

}  // namespace

EnvelopeResult decode_envelope(std::string_view input, std::size_t max_bytes,
                               std::string_view nonce_member) {
  if (input.size() > max_bytes) {
    return fail(ErrorCode::kEnvelopeTooLarge,
                // Not its size: a bounded reader hands over only the first max_bytes + 1.
                "the document is larger than the " + std::to_string(max_bytes) +
                    "-byte cap: real attested documents are a few KiB; check that the input "
                    "is one IMDS response, or raise the cap with --max-bytes (up to 16 MiB)");
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

  // The usual body needs no JSON parser, which cost more than the rest of the parsing
  // (scripts/bench-verify); anything unusual takes the parser.
  EnvelopeResult fast;
  switch (detail::decode_envelope_body(text, fast.der, nonce_member, fast.body_nonce)) {
    case detail::BodyScan::kDecoded:
      fast.form = "json";
      return fast;
    case detail::BodyScan::kBadBase64:
      return bad_base64();
    case detail::BodyScan::kUnusual:
      break;
  }

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
  EnvelopeResult r = from_base64(sig->get_ref<const std::string&>(), "json");
  if (!nonce_member.empty() && r.code == ErrorCode::kOk) {
    auto nonce = body.find(std::string(nonce_member));
    if (nonce != body.end() && nonce->is_string()) r.body_nonce = nonce->get<std::string>();
  }
  return r;
}

}  // namespace hciattest::attest
