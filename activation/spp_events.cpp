#include "activation/spp_events.h"

#include <cctype>
#include <cstdlib>

#include "activation/error_codes.h"

namespace hciattest::activation {
namespace {

// The first 0x-prefixed hex number in the text ("hr=0xC004F074", "0x0").
std::optional<std::uint32_t> hex_in(const std::string& s) {
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      std::size_t end = i + 2;
      while (end < s.size() && std::isxdigit(static_cast<unsigned char>(s[end])) && end - i < 10) {
        ++end;
      }
      return static_cast<std::uint32_t>(std::strtoul(s.substr(i + 2, end - i - 2).c_str(), nullptr, 16));
    }
  }
  return std::nullopt;
}

// A "name:port" item, as 12288 names the KMS host.
bool host_port(const std::string& s) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= s.size() || s.size() - colon > 6) {
    return false;
  }
  for (std::size_t i = colon + 1; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  }
  return true;
}

std::optional<std::uint32_t> first_hex(const SppEvent& e) {
  for (const auto& d : e.data) {
    if (auto h = hex_in(d)) return h;
  }
  return std::nullopt;
}

std::string line(const SppEvent& e, const SppFinding& f) {
  std::string s = e.time + " " + std::to_string(e.id) + ": " + f.meaning;
  if (!f.kms_host.empty()) s += " (" + f.kms_host + ")";
  if (f.hresult && (f.failure || *f.hresult != 0)) s += ", " + describe_error_code(*f.hresult);
  return s;
}

}  // namespace

SppFinding interpret_spp_event(const SppEvent& e) {
  SppFinding f;
  switch (e.id) {
    case 12288:
      f.meaning = "activation request sent to the KMS host";
      for (const auto& d : e.data) {
        if (host_port(d)) f.kms_host = d;
      }
      break;
    case 12289:
      f.meaning = "the KMS host's response was processed";
      f.hresult = first_hex(e);
      f.failure = f.hresult && *f.hresult != 0;
      break;
    case 8198:
      f.meaning = "licence activation (slui.exe) failed";
      f.hresult = first_hex(e);
      f.failure = true;
      break;
    case 8200:
      f.meaning = "licence acquisition failed";
      f.hresult = first_hex(e);
      f.failure = true;
      break;
    case 8196:
      f.meaning = "the licence activation scheduler could not activate automatically";
      f.hresult = first_hex(e);
      f.failure = true;
      break;
    default: f.meaning = "Security-SPP event"; break;
  }
  return f;
}

SppSummary summarize_spp_events(const std::vector<SppEvent>& events) {
  SppSummary s;
  std::optional<std::size_t> request, response, outcome;  // newest first: smaller is newer
  for (std::size_t i = 0; i < events.size(); ++i) {
    const SppFinding f = interpret_spp_event(events[i]);
    if (i < 6) s.evidence.push_back(line(events[i], f));
    const std::uint32_t id = events[i].id;
    if (id == 12288 && !request) request = i;
    if (id == 12289 && !response) response = i;
    if ((id == 12289 || f.failure) && !outcome) outcome = i;
  }
  s.any = request || outcome;
  if (!s.any) {
    s.summary = "no activation attempt is logged";
    return s;
  }
  if (request && (!response || *request < *response)) {
    const SppFinding f = interpret_spp_event(events[*request]);
    s.failing = true;
    s.summary = "the newest KMS request" + (f.kms_host.empty() ? "" : " to " + f.kms_host) +
                " got no response (12288 without a 12289 after it): the host is unreachable or "
                "silent";
    return s;
  }
  const SppFinding newest = interpret_spp_event(events[*outcome]);
  if (newest.failure) {
    s.failing = true;
    s.last_error = newest.hresult;
    s.summary = "the newest activation attempt failed" +
                (newest.hresult ? ": " + describe_error_code(*newest.hresult) : std::string());
    return s;
  }
  s.summary = "the newest activation attempt succeeded (" + std::to_string(events[*outcome].id) + ")";
  return s;
}

}  // namespace hciattest::activation
