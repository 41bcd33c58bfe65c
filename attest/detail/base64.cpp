#include "attest/detail/base64.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>

namespace hciattest::attest::detail {
namespace {

constexpr unsigned char kInvalid = 0xff;

constexpr std::array<unsigned char, 256> make_table() {
  std::array<unsigned char, 256> t{};
  for (auto& v : t) v = kInvalid;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (unsigned char i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = i;
  return t;
}

constexpr std::array<unsigned char, 256> kDecode = make_table();

// kDecode shifted into place for each position of a 4-character group, so that a group is four
// loads and three ORs; a character outside the alphabet sets bit 24.
constexpr std::array<std::array<std::uint32_t, 256>, 4> make_shifted() {
  std::array<std::array<std::uint32_t, 256>, 4> t{};
  for (int pos = 0; pos < 4; ++pos) {
    for (int c = 0; c < 256; ++c) {
      t[pos][c] = kDecode[c] == kInvalid ? 1u << 24 : std::uint32_t{kDecode[c]} << (18 - 6 * pos);
    }
  }
  return t;
}

constexpr std::array<std::array<std::uint32_t, 256>, 4> kShifted = make_shifted();

// Characters decode_base64_openssl lets through at all: the alphabet, '=' and line breaks.
// (EVP_DecodeUpdate would skip spaces and tabs too, turning prose into bytes.)
bool allowed(unsigned char c) {
  return kDecode[c] != kInvalid || c == '=' || c == '\r' || c == '\n';
}

}  // namespace

bool decode_base64_unwrapped(std::string_view text, std::vector<unsigned char>& out) {
  const std::size_t n = text.size();
  if (n == 0 || n % 4 != 0) return false;
  std::size_t pad = 0;
  if (text[n - 1] == '=') pad = text[n - 2] == '=' ? 2 : 1;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t full = n - (pad != 0 ? 4 : 0);  // characters in groups without padding
  out.resize(n / 4 * 3 - pad);
  unsigned char* o = out.data();
  for (std::size_t i = 0; i < full; i += 4) {
    const std::uint32_t v = kShifted[0][in[i]] | kShifted[1][in[i + 1]] | kShifted[2][in[i + 2]] |
                            kShifted[3][in[i + 3]];
    if (v > 0xffffff) return false;  // a character outside the alphabet
    o[0] = static_cast<unsigned char>(v >> 16);
    o[1] = static_cast<unsigned char>(v >> 8);
    o[2] = static_cast<unsigned char>(v);
    o += 3;
  }
  if (pad != 0) {
    // "xx==" gives one byte, "xxx=" two; the unused low bits are ignored, as OpenSSL does.
    const std::uint32_t v = kShifted[0][in[full]] | kShifted[1][in[full + 1]] |
                            (pad == 1 ? kShifted[2][in[full + 2]] : 0);
    if (v > 0xffffff) return false;
    *o++ = static_cast<unsigned char>(v >> 16);
    if (pad == 1) *o++ = static_cast<unsigned char>(v >> 8);
  }
  return true;
}

bool decode_base64_openssl(std::string_view text, std::vector<unsigned char>& out) {
  for (char c : text) {
    if (!allowed(static_cast<unsigned char>(c))) return false;
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

bool decode_base64(std::string_view text, std::vector<unsigned char>& out) {
  // Measured (scripts/bench-verify): EVP_DecodeUpdate plus a per-character alphabet search cost
  // more than the rest of envelope and PKCS#7 parsing together.
  if (decode_base64_unwrapped(text, out)) return true;
  return decode_base64_openssl(text, out);
}

}  // namespace hciattest::attest::detail
