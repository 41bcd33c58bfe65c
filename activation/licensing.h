// The licensing state of Windows and of the LicenseImdsIntegration task, as plain values.
// Filled on Windows from WMI (SoftwareLicensingProduct / SoftwareLicensingService) and Task
// Scheduler 2.0; never from slmgr's localised text (FACTS.md: the public bugs that caused).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "activation/edition.h"

namespace hciattest::activation {

// SoftwareLicensingProduct.LicenseStatus (learn.microsoft.com sppwmi).
enum class LicenseStatus : int {
  kUnlicensed = 0,
  kLicensed = 1,
  kOobGrace = 2,
  kOotGrace = 3,
  kNonGenuineGrace = 4,
  kNotification = 5,
  kExtendedGrace = 6,
  kUnknown = -1,
};
const char* license_status_text(LicenseStatus s);  // "Licensed", "Notification", ...
LicenseStatus license_status_from(int value);       // kUnknown outside 0..6

struct LicensingState {
  bool available = false;   // false: not read (error says why; "not applicable on Linux")
  std::string error;
  std::string name;         // "Windows(R), ServerDatacenter edition"
  std::string description;  // "Windows(R) Operating System, VOLUME_KMSCLIENT channel"
  std::string partial_product_key;  // last five characters of the installed key
  LicenseStatus status = LicenseStatus::kUnknown;
  std::uint32_t status_reason = 0;  // LicenseStatusReason, an HRESULT
  std::uint32_t grace_minutes = 0;  // GracePeriodRemaining
  std::string kms_machine;          // KeyManagementServiceMachine: "" means DNS auto-discovery
  std::uint16_t kms_port = 0;       // KeyManagementServicePort (0: default 1688)
  std::string discovered_kms;       // DiscoveredKeyManagementServiceMachineName
  // SoftwareLicensingService: the licensing service's version and its machine-wide KMS setting
  // (what SetKeyManagementServiceMachine changed); empty when the service was not read.
  std::string service_version;
  std::string service_kms_machine;
  std::uint16_t service_kms_port = 0;
  // The channel named in `description`: VOLUME_KMSCLIENT, VOLUME_MAK, RETAIL, OEM_DM, OEM_SLP,
  // VIRTUAL_MACHINE_ACTIVATION (AVMA), ...; "" when the description names none.
  std::string channel() const;
  bool activated() const { return status == LicenseStatus::kLicensed; }
};

// The scheduled task \Microsoft\Windows\Clip\LicenseImdsIntegration (Task Scheduler 2.0).
struct ImdsTaskState {
  bool available = false;  // false: Task Scheduler could not be asked (error says why)
  std::string error;
  bool exists = false;
  bool enabled = false;
  std::string state;                       // "ready", "running", "disabled", "queued", "unknown"
  std::optional<std::uint32_t> last_result;  // absent where it could not be read
  std::string last_run;                    // ISO 8601 local time; "" when it never ran
  std::string next_run;                    // ISO 8601 local time; "" when none or unreadable
  std::vector<std::string> actions;        // "%SystemRoot%\\system32\\fclip.exe" (exec actions)
  std::vector<std::string> triggers;       // "logon", "daily", "event", ... (kinds)
};

inline constexpr const char* kImdsTaskFolder = "\\Microsoft\\Windows\\Clip";
inline constexpr const char* kImdsTaskName = "LicenseImdsIntegration";
inline constexpr const char* kImdsTaskPath = "\\Microsoft\\Windows\\Clip\\LicenseImdsIntegration";

}  // namespace hciattest::activation

namespace hciattest::activation {

// This machine's Windows licensing, read the locale-independent way: WMI
// SoftwareLicensingProduct WHERE ApplicationID = Windows' AND PartialProductKey IS NOT NULL AND
// LicenseIsAddon = False (a name filter would also match ESU add-ons: FACTS.md). On Linux:
// available = false, error "not applicable on Linux".
LicensingState read_licensing_state();

// EditionID, ProductName, InstallationType, CurrentBuildNumber from
// HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion. nullopt and `error` when unreadable (and on
// Linux).
std::optional<WindowsVersion> read_windows_version(std::string& error);

// True when this process runs elevated (an administrator's full token): the licensing service
// and the route table refuse changes otherwise (0x80070005). False on Linux.
bool running_elevated();

}  // namespace hciattest::activation
