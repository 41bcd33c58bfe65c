#include "activation/edition.h"

#include <algorithm>
#include <cctype>

#include "io/ascii.h"

namespace hciattest::activation {
namespace {

struct FamilyRow {
  const char* edition_id;  // lower-case
  EditionFamily family;
  const char* name;        // without the release
};

// EditionID values: DESIGN.md ("Registry EditionID tells the edition") and Microsoft's
// Windows Server edition documentation; the Core installation option appends "Cor".
constexpr FamilyRow kFamilies[] = {
    {"serverstandard", EditionFamily::kServerStandard, "Standard"},
    {"serverstandardcor", EditionFamily::kServerStandard, "Standard"},
    {"serverdatacenter", EditionFamily::kServerDatacenter, "Datacenter"},
    {"serverdatacentercor", EditionFamily::kServerDatacenter, "Datacenter"},
    {"serverturbine", EditionFamily::kServerAzureEdition, "Datacenter: Azure Edition"},
    {"serverturbinecor", EditionFamily::kServerAzureEdition, "Datacenter: Azure Edition"},
    {"serverrdsh", EditionFamily::kMultiSession, "Enterprise multi-session"},
    {"enterprise", EditionFamily::kEnterprise, "Enterprise"},
    {"serverstandardeval", EditionFamily::kServerEvaluation, "Standard (evaluation)"},
    {"serverdatacentereval", EditionFamily::kServerEvaluation, "Datacenter (evaluation)"},
};

}  // namespace

const char* edition_family_id(EditionFamily f) {
  switch (f) {
    case EditionFamily::kServerStandard: return "server-standard";
    case EditionFamily::kServerDatacenter: return "server-datacenter";
    case EditionFamily::kServerAzureEdition: return "server-azure-edition";
    case EditionFamily::kMultiSession: return "multi-session";
    case EditionFamily::kEnterprise: return "enterprise";
    case EditionFamily::kServerEvaluation: return "server-evaluation";
    case EditionFamily::kOther: return "other";
  }
  return "other";
}

std::string server_release(int build) {
  switch (build) {
    case 14393: return "2016";
    case 17763: return "2019";
    case 20348: return "2022";
    case 26100: return "2025";
    default: return "";
  }
}

Edition classify_edition(const WindowsVersion& v) {
  Edition e;
  const std::string id = io::ascii_lower(v.edition_id);
  for (const auto& row : kFamilies) {
    if (id != row.edition_id) continue;
    e.family = row.family;
    const bool client =
        row.family == EditionFamily::kMultiSession || row.family == EditionFamily::kEnterprise;
    e.release = client ? (v.build >= 10240 ? "10/11" : "") : server_release(v.build);
    e.name = client ? "Windows " + (e.release.empty() ? std::string("?") : e.release) + " " + row.name
                    : "Windows Server " + (e.release.empty() ? "(build " + std::to_string(v.build) + ")"
                                                             : e.release) +
                          " " + row.name;
    return e;
  }
  e.name = v.edition_id.empty() ? "unknown edition" : "edition " + v.edition_id;
  return e;
}

}  // namespace hciattest::activation
