#include "attest/detail/envelope_body.h"

#include <array>
#include <cstring>

#include "attest/detail/base64.h"

namespace hciattest::attest::detail {
namespace {

// The characters of a base64 string without line breaks: the alphabet and '='.
constexpr std::array<bool, 256> make_base64_table() {
  std::array<bool, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  t['+'] = t['/'] = t['='] = true;
  return t;
}
constexpr std::array<bool, 256> kBase64 = make_base64_table();

bool all_base64(std::string_view s) {
  for (char c : s) {
    if (!kBase64[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

// A cursor over the body; every step either consumes what it expects or fails.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  void skip_ws() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool eat(std::string_view token) {
    skip_ws();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  // The characters up to the next '"', not yet checked: the caller must, since an escape
  // sequence would end the string elsewhere.
  bool raw_string(std::string_view& out) {
    if (!eat("\"")) return false;
    const void* quote = std::memchr(text_.data() + pos_, '"', text_.size() - pos_);
    if (quote == nullptr) return false;
    const std::size_t end =
        static_cast<std::size_t>(static_cast<const char*>(quote) - text_.data());
    out = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }
  // `"name"`, exactly, after optional whitespace.
  bool eat_key(std::string_view name) {
    skip_ws();
    if (pos_ + name.size() + 2 > text_.size() || text_[pos_] != '"' ||
        text_.compare(pos_ + 1, name.size(), name) != 0 || text_[pos_ + 1 + name.size()] != '"') {
      return false;
    }
    pos_ += name.size() + 2;
    return true;
  }
  bool at_end() {
    skip_ws();
    return pos_ == text_.size();
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// A string value JSON reads as the same bytes, whatever the parser: printable ASCII, no escape.
bool plain_ascii(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7e || c == '\\') return false;
  }
  return true;
}

}  // namespace

BodyScan decode_envelope_body(std::string_view text, std::vector<unsigned char>& der,
                              std::string_view nonce_member, std::optional<std::string>& nonce) {
  nonce.reset();
  Scanner s(text);
  std::string_view nonce_value;
  if (!s.eat("{")) return BodyScan::kUnusual;
  std::string_view signature;
  bool have_encoding = false;
  bool have_signature = false;
  bool have_nonce = false;
  // Each member at most once (a repeated one is left to the parser, where the last counts).
  for (int member = 0; member < 3; ++member) {
    if (member > 0 && !s.eat(",")) break;
    if (!have_encoding && s.eat("\"encoding\"")) {
      if (!s.eat(":") || !s.eat("\"pkcs7\"")) return BodyScan::kUnusual;
      have_encoding = true;
    } else if (!have_signature && s.eat("\"signature\"")) {
      if (!s.eat(":") || !s.raw_string(signature)) return BodyScan::kUnusual;
      have_signature = true;
    } else if (!have_nonce && !nonce_member.empty() && s.eat_key(nonce_member)) {
      std::string_view value;
      if (!s.eat(":") || !s.raw_string(value) || !plain_ascii(value)) return BodyScan::kUnusual;
      nonce_value = value;
      have_nonce = true;
    } else {
      return BodyScan::kUnusual;
    }
  }
  if (!have_encoding || !have_signature || !s.eat("}") || !s.at_end()) return BodyScan::kUnusual;
  if (have_nonce) nonce.emplace(nonce_value);
  // Checking the characters and decoding them is one pass when the signature decodes (measured:
  // a separate pass over the ~3 KiB signature cost as much as decoding it). The one-shot decoder
  // takes base64 characters only, so no escape sequence or control character was skipped.
  if (decode_base64_unwrapped(signature, der)) return BodyScan::kDecoded;
  if (all_base64(signature)) {
    if (decode_base64(signature, der)) return BodyScan::kDecoded;
    return BodyScan::kBadBase64;
  }
  nonce.reset();  // the parser reads the body
  return BodyScan::kUnusual;
}

}  // namespace hciattest::attest::detail
