// Windows: CryptoAPI's chain engine for the local machine (HCCE_LOCAL_MACHINE: the LocalMachine
// Root, CA and Disallowed stores), the document's other certificates in a memory store as the
// untrusted candidates, no network.
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <wincrypt.h>
// clang-format on

#include <memory>

#include "activation/windows_chain.h"
#include "hostcheck/detail/windows_convert.h"

namespace hciattest::activation {
namespace {

using hostcheck::detail::utf8;
using hostcheck::detail::windows_error_text;

struct CertFree {
  void operator()(const CERT_CONTEXT* c) const { ::CertFreeCertificateContext(c); }
};
struct StoreClose {
  void operator()(void* s) const { ::CertCloseStore(static_cast<HCERTSTORE>(s), 0); }
};
struct ChainFree {
  void operator()(const CERT_CHAIN_CONTEXT* c) const { ::CertFreeCertificateChain(c); }
};
using CertPtr = std::unique_ptr<const CERT_CONTEXT, CertFree>;
using StorePtr = std::unique_ptr<void, StoreClose>;
using ChainPtr = std::unique_ptr<const CERT_CHAIN_CONTEXT, ChainFree>;

std::string name_text(const CERT_NAME_BLOB* name) {
  const DWORD n = ::CertNameToStrW(X509_ASN_ENCODING, const_cast<CERT_NAME_BLOB*>(name),
                                   CERT_X500_NAME_STR, nullptr, 0);
  if (n <= 1) return {};
  std::wstring buf(n, L'\0');
  ::CertNameToStrW(X509_ASN_ENCODING, const_cast<CERT_NAME_BLOB*>(name), CERT_X500_NAME_STR,
                   buf.data(), n);
  return utf8(buf.c_str());
}

std::string last_error(const char* what) {
  return windows_error_text(what, ::GetLastError());
}

}  // namespace

WindowsChainResult check_windows_chain(const std::vector<std::vector<unsigned char>>& certificates,
                                       std::optional<std::int64_t> at) {
  WindowsChainResult r;
  if (certificates.empty()) {
    r.error = "no signer certificate to check";
    return r;
  }
  constexpr DWORD kEncoding = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;
  const auto& signer = certificates.front();
  CertPtr leaf(::CertCreateCertificateContext(kEncoding, signer.data(),
                                              static_cast<DWORD>(signer.size())));
  if (!leaf) {
    r.error = last_error("CertCreateCertificateContext(signer)");
    return r;
  }
  StorePtr extra(::CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, nullptr));
  if (!extra) {
    r.error = last_error("CertOpenStore(memory)");
    return r;
  }
  for (std::size_t i = 1; i < certificates.size(); ++i) {
    ::CertAddEncodedCertificateToStore(static_cast<HCERTSTORE>(extra.get()), kEncoding,
                                       certificates[i].data(),
                                       static_cast<DWORD>(certificates[i].size()),
                                       CERT_STORE_ADD_ALWAYS, nullptr);
  }
  FILETIME when{};
  FILETIME* time = nullptr;
  if (at) {
    // FILETIME counts 100 ns intervals since 1601-01-01; Unix time starts 11644473600 s later.
    const ULONGLONG ticks = (static_cast<ULONGLONG>(*at) + 11644473600ULL) * 10000000ULL;
    when.dwLowDateTime = static_cast<DWORD>(ticks);
    when.dwHighDateTime = static_cast<DWORD>(ticks >> 32);
    time = &when;
  }
  CERT_CHAIN_PARA para{};
  para.cbSize = sizeof(para);
  const CERT_CHAIN_CONTEXT* raw = nullptr;
  if (!::CertGetCertificateChain(HCCE_LOCAL_MACHINE, leaf.get(), time,
                                 static_cast<HCERTSTORE>(extra.get()), &para,
                                 CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL, nullptr, &raw)) {
    r.error = last_error("CertGetCertificateChain");
    return r;
  }
  ChainPtr chain(raw);
  r.available = true;
  r.error_status = chain->TrustStatus.dwErrorStatus;
  r.trusted = r.error_status == CERT_TRUST_NO_ERROR;
  r.problems = trust_error_phrases(r.error_status);
  if (chain->cChain > 0) {
    const CERT_SIMPLE_CHAIN* simple = chain->rgpChain[0];
    for (DWORD i = 0; i < simple->cElement; ++i) {
      r.chain.push_back(name_text(&simple->rgpElement[i]->pCertContext->pCertInfo->Subject));
    }
    if ((r.error_status & CERT_TRUST_IS_PARTIAL_CHAIN) && simple->cElement > 0) {
      const CERT_CONTEXT* top = simple->rgpElement[simple->cElement - 1]->pCertContext;
      r.missing_issuer = name_text(&top->pCertInfo->Issuer);
    }
  }
  return r;
}

}  // namespace hciattest::activation
