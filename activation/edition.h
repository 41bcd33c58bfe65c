// Which Windows this is, as licensing sees it: the registry's EditionID, ProductName,
// InstallationType and build (HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion), classified into
// the families that decide how it activates. Pure: the Windows reader fills WindowsVersion.
#pragma once

#include <string>

namespace hciattest::activation {

struct WindowsVersion {
  std::string edition_id;         // "ServerDatacenter", "ServerTurbine", "ServerRdsh", ...
  std::string product_name;       // "Windows Server 2022 Datacenter" (display only: localised)
  std::string installation_type;  // "Server", "Server Core", "Client"
  int build = 0;                  // CurrentBuildNumber: 20348
};

enum class EditionFamily {
  kServerStandard,       // ServerStandard, ServerStandardCor
  kServerDatacenter,     // ServerDatacenter, ServerDatacenterCor
  kServerAzureEdition,   // ServerTurbine(Cor): Datacenter: Azure Edition
  kMultiSession,         // ServerRdsh: Windows 10/11 Enterprise multi-session
  kEnterprise,           // Enterprise: Windows 10/11 Enterprise
  kServerEvaluation,     // ServerStandardEval, ServerDatacenterEval (not KMS-activatable as is)
  kOther,
};
const char* edition_family_id(EditionFamily f);  // "server-standard", ...

struct Edition {
  EditionFamily family = EditionFamily::kOther;
  std::string release;  // Server: "2016", "2019", "2022", "2025"; client: "10/11"; "" unknown
  std::string name;     // "Windows Server 2022 Datacenter: Azure Edition", from the table
};

// Classifies by EditionID (exact, case-insensitive) and the build number; never by the
// localised ProductName.
Edition classify_edition(const WindowsVersion& v);

// The Windows Server release of a build: 14393 → 2016, 17763 → 2019, 20348 → 2022,
// 26100 → 2025; "" for others.
std::string server_release(int build);

}  // namespace hciattest::activation
