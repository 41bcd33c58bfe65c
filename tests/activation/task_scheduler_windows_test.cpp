// The Task Scheduler reader against the real Task Scheduler (Wine's under the mingw build): a
// test-only folder \hciattest-test-<pid> with one task registered from XML, read back, disabled,
// and deleted. The real \Microsoft\Windows\Clip task is never touched.
// winsock2.h before windows.h (hostcheck's Windows header includes it too).
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <taskschd.h>
// clang-format on

#include <gtest/gtest.h>

#include <string>

#include "activation/detail/com.h"
#include "activation/task_scheduler.h"
#include "hostcheck/detail/windows_convert.h"

namespace hciattest::activation {
namespace {

using detail::Bstr;
using detail::ComPtr;
using detail::Variant;

// A logon-triggered task like LicenseImdsIntegration, enabled or not.
std::wstring task_xml(bool enabled) {
  const std::wstring e = enabled ? L"true" : L"false";
  return LR"(<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>hciattest test task</Description></RegistrationInfo>
  <Triggers><LogonTrigger><Enabled>true</Enabled></LogonTrigger></Triggers>
  <Settings><Enabled>)" + e + LR"(</Enabled></Settings>
  <Actions Context="Author"><Exec><Command>%SystemRoot%\system32\cmd.exe</Command><Arguments>/c exit 0</Arguments></Exec></Actions>
</Task>)";
}

class TestFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(com_.ok()) << detail::hresult_hex(com_.result());
    HRESULT hr = ::CoCreateInstance(CLSID_TaskScheduler, nullptr, CLSCTX_INPROC_SERVER,
                                    IID_ITaskService, reinterpret_cast<void**>(service_.GetAddressOf()));
    ASSERT_TRUE(SUCCEEDED(hr)) << detail::hresult_hex(hr);
    Variant a, b, c, d;
    hr = service_->Connect(a.value(), b.value(), c.value(), d.value());
    ASSERT_TRUE(SUCCEEDED(hr)) << detail::hresult_hex(hr);
    ComPtr<ITaskFolder> root;
    ASSERT_TRUE(SUCCEEDED(service_->GetFolder(Bstr(L"\\").get(), root.GetAddressOf())));
    name_ = L"hciattest-test-" + std::to_wstring(::GetCurrentProcessId());
    Variant sddl;
    hr = root->CreateFolder(Bstr(name_).get(), sddl.value(), folder_.GetAddressOf());
    ASSERT_TRUE(SUCCEEDED(hr)) << "CreateFolder " << detail::hresult_hex(hr);
    path_ = "\\" + hostcheck::detail::utf8(name_.c_str());
  }

  void TearDown() override {
    if (folder_) {
      folder_->DeleteTask(Bstr(L"Probe").get(), 0);
      ComPtr<ITaskFolder> root;
      if (SUCCEEDED(service_->GetFolder(Bstr(L"\\").get(), root.GetAddressOf()))) {
        root->DeleteFolder(Bstr(name_).get(), 0);
      }
    }
  }

  HRESULT register_task(ComPtr<IRegisteredTask>& out, bool enabled = true) {
    Variant user, password, sddl;
    return folder_->RegisterTask(Bstr(L"Probe").get(), Bstr(task_xml(enabled)).get(), TASK_CREATE_OR_UPDATE,
                                 user.value(), password.value(), TASK_LOGON_INTERACTIVE_TOKEN,
                                 sddl.value(), out.GetAddressOf());
  }

  detail::ComApartment com_;
  ComPtr<ITaskService> service_;
  ComPtr<ITaskFolder> folder_;
  std::wstring name_;
  std::string path_;
};

TEST_F(TestFolder, AMissingTaskIsAbsentNotAnError) {
  const ImdsTaskState s = make_task_scheduler()->read(path_, "NoSuchTask");
  EXPECT_TRUE(s.available) << s.error;
  EXPECT_FALSE(s.exists);
}

TEST_F(TestFolder, AMissingFolderIsAbsentNotAnError) {
  const ImdsTaskState s = make_task_scheduler()->read(path_ + "\\NoSuchFolder", "Probe");
  EXPECT_TRUE(s.available) << s.error;
  EXPECT_FALSE(s.exists);
}

TEST_F(TestFolder, ARegisteredTaskIsReadBackEnabledAndNeverRun) {
  ComPtr<IRegisteredTask> task;
  const HRESULT hr = register_task(task);
  ASSERT_TRUE(SUCCEEDED(hr)) << "RegisterTask " << detail::hresult_hex(hr);
  const ImdsTaskState s = make_task_scheduler()->read(path_, "Probe");
  ASSERT_TRUE(s.available) << s.error;
  EXPECT_TRUE(s.exists);
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.state, "ready");
  EXPECT_EQ(s.last_run, "");  // never ran: 1999-11-30 on Windows and Wine alike
  // Windows: SCHED_S_TASK_HAS_NOT_RUN; Wine 8.0: get_LastTaskResult is E_NOTIMPL, so absent.
  if (s.last_result) {
    EXPECT_EQ(*s.last_result, 0x41303u);
  }
  RecordProperty("last_result_read", s.last_result ? "yes" : "no (E_NOTIMPL)");
}

TEST_F(TestFolder, ADisabledTaskIsReadAsDisabled) {
  ComPtr<IRegisteredTask> task;
  // Registered disabled: Wine 8.0 accepts IRegisteredTask::put_Enabled but keeps the task enabled.
  ASSERT_TRUE(SUCCEEDED(register_task(task, false)));
  const ImdsTaskState s = make_task_scheduler()->read(path_, "Probe");
  ASSERT_TRUE(s.exists) << s.error;
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.state, "disabled");
}

}  // namespace
}  // namespace hciattest::activation
