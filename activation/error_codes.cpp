#include "activation/error_codes.h"

#include <cstdio>

namespace hciattest::activation {
namespace {

// Sources: shared/FACTS.md "Error codes and events" (MicrosoftDocs/SupportArticles-docs
// windows-vm-activation-error-0xc004f074.md, activation-watermark-appears.md; the sppwmi
// documentation), and for the Task Scheduler codes learn.microsoft.com "Task Scheduler Error and
// Success Constants".
constexpr ErrorCodeInfo kCodes[] = {
    {0x00000000, "S_OK", "success", ""},
    {0x00041300, "SCHED_S_TASK_READY", "the task is ready to run at its next scheduled time", ""},
    {0x00041301, "SCHED_S_TASK_RUNNING", "the task is running", "wait for it to finish"},
    {0x00041303, "SCHED_S_TASK_HAS_NOT_RUN", "the task has never run",
     "run it: hciattest activate --apply (IMDS path) runs it and waits"},
    {0x800710E0, "ERROR_REQUEST_REFUSED", "the operator or administrator refused the request "
     "(Task Scheduler: the task's conditions stopped it)", "run the task ignoring its conditions"},
    {0xC004F074, "kms_not_contacted", "no Key Management Service could be contacted",
     "hciattest kms probe <host> shows why (DNS, routes, firewall, forced tunnelling)"},
    {0xC004FD01, "avma_key_off_avma_host", "an AVMA key on a machine that is not on an AVMA "
     "host (the image came from Hyper-V with AVMA)", "install the edition's KMS client key "
     "(hciattest activate --apply --method kms) or use the host's AVMA"},
    {0xC004FD02, "avma_host_not_activated", "the AVMA host is not activated",
     "activate the Hyper-V host, or switch the VM to KMS"},
    {0xC004F038, "SL_E_VL_NOT_ENOUGH_COUNT", "the KMS host's count is too low (fewer than 5 "
     "servers or 25 clients have asked)", "a self-hosted KMS needs more clients; the clouds' "
     "KMS hosts do not have this limit"},
    {0xC004C003, "product_key_blocked", "the activation server says the product key is "
     "blocked", "install the edition's KMS client key, or a valid MAK"},
    {0xC004F06C, "SL_E_VL_INVALID_TIMESTAMP", "the KMS host and this machine disagree on the "
     "time (more than 4 hours)", "fix the clock (w32tm /resync)"},
    {0xC004E015, "license_consumption_failed", "licence consumption failed (a "
     "licence file is damaged or missing)", "slmgr /rilc to reinstall the licence files, then activate again"},
    {0xC004F069, "SL_E_PRODUCT_SKU_NOT_INSTALLED", "the key does not fit the installed edition "
     "(for example a KMS key on an evaluation edition)",
     "convert the edition first (DISM /Online /Set-Edition), then install its KMS client key"},
    {0xC004F050, "SL_E_INVALID_PRODUCT_KEY", "the product key is invalid",
     "install the edition's KMS client key"},
    {0x800705B4, "ERROR_TIMEOUT", "the operation timed out (Security-SPP event 8196: the KMS "
     "host did not answer in time)", "hciattest kms probe <host>"},
    {0x80070005, "E_ACCESSDENIED", "access denied: the command was not run elevated",
     "run from an elevated prompt (Run as administrator)"},
    {0x8007232B, "DNS_ERROR_RCODE_NAME_ERROR", "the KMS host name does not exist in DNS",
     "set the host explicitly (hciattest activate --kms-host) or fix DNS"},
    {0x8007232A, "DNS_ERROR_RCODE_SERVER_FAILURE", "the DNS server failed to resolve the KMS host",
     "fix DNS, or set the host by address"},
    {0x80072EE7, "WININET_E_NAME_NOT_RESOLVED", "a server name could not be resolved",
     "fix DNS or the proxy settings"},
    {0x80072F8F, "WININET_E_DECODING_FAILED", "a secure connection could not be made (often the "
     "clock, or TLS inspection)", "fix the clock; exempt the activation hosts from TLS inspection"},
    {0x803F7001, "no_license_found", "no valid digital licence or product key was found",
     "on Azure Stack HCI: the IMDS attestation path (hciattest doctor) must work"},
};

}  // namespace

std::optional<ErrorCodeInfo> lookup_error_code(std::uint32_t code) {
  for (const auto& c : kCodes) {
    if (c.code == code) return c;
  }
  return std::nullopt;
}

std::string describe_error_code(std::uint32_t code) {
  char hex[16];
  std::snprintf(hex, sizeof(hex), "0x%08X", code);
  const auto info = lookup_error_code(code);
  if (!info) return std::string(hex) + " (unknown code)";
  return std::string(hex) + " (" + info->name + ": " + info->meaning + ")";
}

}  // namespace hciattest::activation
