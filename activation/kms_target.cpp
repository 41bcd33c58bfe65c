#include "activation/kms_target.h"

#include <cctype>
#include <vector>

namespace hciattest::activation {
namespace {

constexpr const char* kForm = "expected HOST[:PORT], e.g. azkms.core.windows.net:1688, "
                              "169.254.169.250 or [fd00:ec2::240]:1688";

KmsTargetParse fail(const std::string& why) {
  KmsTargetParse p;
  p.error = why + "; " + kForm;
  return p;
}

std::string shown(char c) {
  if (c == ' ') return "a space";
  if (c == '\t') return "a tab";
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "a control character";
  return std::string("'") + c + "'";
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string check_port(const std::string& text, std::uint16_t& port) {
  if (!all_digits(text) || text.size() > 5) {
    return "port \"" + text + "\" is not a number from 1 to 65535";
  }
  const long v = std::stol(text);
  if (v < 1 || v > 65535) return "port " + text + " is out of range (1-65535)";
  port = static_cast<std::uint16_t>(v);
  return {};
}

std::string check_ipv6(const std::string& a) {
  if (a.empty()) return "empty brackets: no IPv6 address";
  int colons = 0;
  for (char c : a) {
    if (c == ':') {
      ++colons;
    } else if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.') {
      return "\"" + a + "\" is not an IPv6 address (" + shown(c) + ")";
    }
  }
  if (colons < 2 || a.find(":::") != std::string::npos) {
    return "\"" + a + "\" is not an IPv6 address";
  }
  return {};
}

std::string check_name(const std::string& host) {
  if (host.size() > 253) return "host name longer than 253 characters";
  const std::vector<std::string> labels = split(host, '.');
  bool numeric = true;
  for (const auto& l : labels) numeric = numeric && all_digits(l);
  if (numeric) {
    if (labels.size() != 4) return "\"" + host + "\" is not a dotted-quad IPv4 address";
    for (const auto& l : labels) {
      if (l.size() > 3 || std::stoi(l) > 255) {
        return "\"" + host + "\" is not an IPv4 address (" + l + " > 255)";
      }
    }
    return {};
  }
  for (const auto& l : labels) {
    if (l.empty()) return "\"" + host + "\" has an empty label (two dots, or a dot at an end)";
    if (l.size() > 63) return "label \"" + l + "\" is longer than 63 characters";
    if (l.front() == '-' || l.back() == '-') {
      return "label \"" + l + "\" starts or ends with a hyphen";
    }
    for (char c : l) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return "\"" + host + "\" has " + shown(c) + ", not allowed in a host name";
      }
    }
  }
  return {};
}

}  // namespace

std::string KmsTarget::text() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

KmsTargetParse parse_kms_target(const std::string& text) {
  if (text.empty()) return fail("the KMS host is empty");
  // Whitespace, control characters and shell metacharacters first: the value must never be able
  // to carry a second argument or a command, whatever later code does with it.
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return fail("the KMS host contains " + shown(c));
    if (u >= 0x80) return fail("the KMS host contains a non-ASCII byte (use the punycode name)");
    static const std::string kShell = ";&|$`<>(){}'\"\\*?!#~%^,=+@";
    if (kShell.find(c) != std::string::npos) {
      return fail("the KMS host contains " + shown(c) + ", which is not part of a host name");
    }
  }
  KmsTarget t;
  std::string port_text;
  bool has_port = false;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) return fail("'[' without its ']'");
    t.host = text.substr(1, close - 1);
    t.ipv6 = true;
    if (std::string why = check_ipv6(t.host); !why.empty()) return fail(why);
    const std::string rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail("unexpected \"" + rest + "\" after ']'");
      port_text = rest.substr(1);
      has_port = true;
    }
  } else {
    if (text.find('[') != std::string::npos || text.find(']') != std::string::npos) {
      return fail("brackets belong only around an IPv6 address");
    }
    const auto colons = split(text, ':').size() - 1;
    if (colons > 1) {
      return fail("\"" + text + "\" looks like a bare IPv6 address: write it in brackets, as [" +
                  text + "]:1688");
    }
    const auto colon = text.find(':');
    t.host = text.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = text.substr(colon + 1);
      has_port = true;
    }
    if (t.host.empty()) return fail("no host before the ':'");
    if (std::string why = check_name(t.host); !why.empty()) return fail(why);
  }
  if (has_port) {
    if (std::string why = check_port(port_text, t.port); !why.empty()) return fail(why);
  }
  KmsTargetParse p;
  p.target = t;
  return p;
}

}  // namespace hciattest::activation
