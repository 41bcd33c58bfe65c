// Private to activation/'s Windows files: RAII for COM (STYLE.md rule 8). COM interface pointers
// use Microsoft::WRL::ComPtr (<wrl/client.h>, in the Windows SDK and mingw-w64).
#pragma once

// clang-format off
#include <windows.h>
#include <oleauto.h>
#include <wrl/client.h>
// clang-format on

#include <string>

namespace hciattest::activation::detail {

using Microsoft::WRL::ComPtr;

// CoInitializeEx for this thread, undone when it succeeded. A thread already initialised in the
// other apartment model (RPC_E_CHANGED_MODE) can still make the calls; ok() says so too.
class ComApartment {
 public:
  ComApartment() : hr_(::CoInitializeEx(nullptr, COINIT_MULTITHREADED)) {}
  ~ComApartment() {
    if (SUCCEEDED(hr_)) ::CoUninitialize();
  }
  ComApartment(const ComApartment&) = delete;
  ComApartment& operator=(const ComApartment&) = delete;
  bool ok() const { return SUCCEEDED(hr_) || hr_ == RPC_E_CHANGED_MODE; }
  HRESULT result() const { return hr_; }

 private:
  HRESULT hr_;
};

// An owned BSTR.
class Bstr {
 public:
  explicit Bstr(const std::wstring& s) : b_(::SysAllocStringLen(s.data(), static_cast<UINT>(s.size()))) {}
  Bstr() = default;
  ~Bstr() { ::SysFreeString(b_); }
  Bstr(const Bstr&) = delete;
  Bstr& operator=(const Bstr&) = delete;
  BSTR get() const { return b_; }
  BSTR* out() {
    ::SysFreeString(b_);
    b_ = nullptr;
    return &b_;
  }

 private:
  BSTR b_ = nullptr;
};

// An owned VARIANT, cleared on destruction.
class Variant {
 public:
  Variant() { ::VariantInit(&v_); }
  ~Variant() { ::VariantClear(&v_); }
  Variant(const Variant&) = delete;
  Variant& operator=(const Variant&) = delete;
  VARIANT* get() { return &v_; }
  const VARIANT& value() const { return v_; }

 private:
  VARIANT v_;
};

// "0x80070002": HRESULTs are shown in hex, as Windows documents them.
std::string hresult_hex(HRESULT hr);

// "CALL failed: <the system's text> (error N, 0x...)": a failed COM call, for an error value.
std::string com_error(const std::string& call, HRESULT hr);

}  // namespace hciattest::activation::detail
