// The Windows actions under Wine: only their refusals and Wine's errors, never a change. Each test
// that would change a real Windows machine (the licensing service, the real task) runs under Wine
// only, where those classes and the task do not exist; on Windows it is skipped.
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <aclapi.h>
// clang-format on

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/under_wine.h"

#include "activation/apply.h"

namespace hciattest::activation {
namespace {

using hciattest::testing::under_wine;

// The AWS KMS address below is data: each call is refused by validation before route.exe could
// run, and a route change sends no packet anyway.
TEST(WindowsActions, RefuseWhatIsNotAnAddressOrAKeyBeforeAnyCall) {
  auto a = make_activation_actions();
  EXPECT_NE(a->add_route({"169.254.169.250 & calc", "172.31.0.1", "Ethernet", 6, 1})
                .find("refused"),
            std::string::npos);
  EXPECT_NE(a->delete_route({"169.254.169.250", "gateway", "Ethernet", 6, 1}).find("refused"),
            std::string::npos);
  EXPECT_NE(a->install_product_key("NPPR9-FWDCX-D2C8J-H872K-2YT4;").find("refused"),
            std::string::npos);
  EXPECT_NE(a->set_kms_host("kms;calc", 1688).find("refused"), std::string::npos);
}

TEST(WindowsActions, WineHasNoLicensingServiceToChange) {
  if (!under_wine()) GTEST_SKIP() << "would change this Windows machine's KMS setting";
  auto a = make_activation_actions();
  const std::string why = a->set_kms_host("azkms.core.windows.net", 1688);
  EXPECT_NE(why.find("SoftwareLicensingService"), std::string::npos) << why;
  const std::string activate = a->activate_windows();
  EXPECT_NE(activate.find("SoftwareLicensingProduct"), std::string::npos) << activate;
}

TEST(WindowsActions, WineHasNoLicenseImdsIntegrationTask) {
  if (!under_wine()) GTEST_SKIP() << "would change this Windows machine's task";
  auto a = make_activation_actions();
  const std::string why = a->set_task_enabled(true);
  EXPECT_NE(why.find("ITaskService::GetFolder"), std::string::npos) << why;
}

TEST(WindowsActions, TheJournalFolderIsForAdministratorsAndSystemOnly) {
  wchar_t tmp[MAX_PATH];
  ASSERT_GT(::GetTempPathW(MAX_PATH, tmp), 0u);
  const std::filesystem::path dir =
      std::filesystem::path(tmp) / ("hciattest-journal-" + std::to_string(::GetCurrentProcessId()));
  std::filesystem::remove_all(dir);
  ASSERT_EQ(create_journal_directory(dir.string()), "");
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  const DWORD rc = ::GetNamedSecurityInfoW(dir.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                                           nullptr, nullptr, &dacl, nullptr, &sd);
  ASSERT_EQ(rc, static_cast<DWORD>(ERROR_SUCCESS));
  ASSERT_NE(dacl, nullptr);
  EXPECT_EQ(dacl->AceCount, 2);  // SYSTEM and Administrators, nothing inherited
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  ASSERT_TRUE(::GetSecurityDescriptorControl(sd, &control, &revision));
  // Wine keeps the two ACEs but not the "protected" flag (docs/windows-under-wine.md).
  if (!under_wine()) {
    EXPECT_TRUE(control & SE_DACL_PROTECTED);
  }
  ::LocalFree(sd);
  EXPECT_EQ(create_journal_directory(dir.string()), "");  // an existing folder is fine
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hciattest::activation
