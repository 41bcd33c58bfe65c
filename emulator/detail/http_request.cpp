#include "emulator/detail/http_request.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "io/ascii.h"

namespace hciattest::emulator::detail {
namespace {

using State = RequestHead::State;

RequestHead reject(int status, std::string reason) {
  RequestHead h;
  h.state = State::kRejected;
  h.status = status;
  h.reason = std::move(reason);
  return h;
}

// RFC 9110 tchar: the characters of a method or header name.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                                       std::string_view::npos;
  });
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The next line of `buffer` from `at`, without its CRLF or LF; npos in `next` when incomplete.
std::string_view next_line(std::string_view buffer, std::size_t at, std::size_t& next) {
  const std::size_t lf = buffer.find('\n', at);
  if (lf == std::string_view::npos) {
    next = std::string_view::npos;
    return {};
  }
  next = lf + 1;
  std::size_t end = lf;
  if (end > at && buffer[end - 1] == '\r') --end;
  return buffer.substr(at, end - at);
}

// "GET /path?query HTTP/1.1" into the request; a refusal when it is not one.
std::optional<RequestHead> read_request_line(std::string_view line, RequestHead& h) {
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return reject(400, "the request line is not \"METHOD TARGET HTTP/1.1\"");
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return reject(400, "the method is not an HTTP token");
  if (target.empty() || target.front() != '/') {
    return reject(400, "the request target must be a path starting with '/'");
  }
  if (target.find_first_of(std::string_view("\0\x7f", 2)) != std::string_view::npos ||
      std::any_of(target.begin(), target.end(), [](unsigned char c) { return c < 0x21; })) {
    return reject(400, "the request target holds control characters");
  }
  if (version.substr(0, 5) != "HTTP/") return reject(400, "the request line has no HTTP version");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return reject(505, "only HTTP/1.0 and HTTP/1.1 are served");
  }
  h.keep_alive = version == "HTTP/1.1";
  h.request.method = std::string(method);
  const std::size_t q = target.find('?');
  h.request.path = std::string(target.substr(0, q));
  h.request.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  return std::nullopt;
}

// Content-Length: digits only, within the body cap.
std::optional<RequestHead> read_content_length(std::string_view value, RequestHead& h,
                                               bool& seen) {
  if (value.empty() || value.size() > 19 ||
      !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return reject(400, "Content-Length is not a number");
  }
  std::uint64_t n = 0;
  for (char c : value) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  if (seen && n != h.body_bytes) return reject(400, "two Content-Length headers disagree");
  seen = true;
  if (n > kMaxRequestBodyBytes) {
    return reject(413, "the request body (" + std::string(value) + " bytes) is over the " +
                           std::to_string(kMaxRequestBodyBytes) + "-byte cap (IMDS requests have none)");
  }
  h.body_bytes = static_cast<std::size_t>(n);
  return std::nullopt;
}

}  // namespace

RequestHead read_request_head(std::string_view buffer) {
  RequestHead h;
  std::size_t at = 0, next = 0;
  const std::string_view first = next_line(buffer, 0, next);
  if (next == std::string_view::npos) {
    if (buffer.size() > kMaxRequestLineBytes) {
      return reject(414, "the request line is over the " + std::to_string(kMaxRequestLineBytes) +
                             "-byte cap");
    }
    return h;
  }
  if (first.size() > kMaxRequestLineBytes) {
    return reject(414, "the request line is over the " + std::to_string(kMaxRequestLineBytes) +
                           "-byte cap");
  }
  if (auto refused = read_request_line(first, h)) return *refused;
  bool length_seen = false;
  for (at = next;;) {
    const std::string_view line = next_line(buffer, at, next);
    if (next == std::string_view::npos || next > kMaxRequestHeadBytes) {
      if (buffer.size() > kMaxRequestHeadBytes) {
        return reject(431, "the request head is over the " + std::to_string(kMaxRequestHeadBytes) +
                               "-byte cap");
      }
      RequestHead more;  // incomplete: nothing of it is kept
      return more;
    }
    at = next;
    if (line.empty()) break;  // the blank line that ends the head
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return reject(400, "a header line is not \"Name: value\"");
    }
    const std::string name = io::ascii_lower(line.substr(0, colon));
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (name == "content-length") {
      if (auto refused = read_content_length(value, h, length_seen)) return *refused;
    } else if (name == "transfer-encoding") {
      return reject(501, "Transfer-Encoding is not supported: IMDS requests have no body");
    } else if (name == "connection") {
      const std::string v = io::ascii_lower(value);
      if (v == "close") h.keep_alive = false;
      if (v == "keep-alive") h.keep_alive = true;
    }
    std::string& slot = h.request.headers[name];
    slot = slot.empty() || name == "content-length" ? std::string(value) : slot + ", " + std::string(value);
  }
  h.state = State::kComplete;
  h.head_bytes = at;
  return h;
}

}  // namespace hciattest::emulator::detail
