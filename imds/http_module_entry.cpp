// The HTTP module's entry point (imds/detail/http_module.h).
#include "imds/detail/http_module.h"

#if defined(_WIN32)
#define HCIATTEST_HTTP_EXPORT
#else
#define HCIATTEST_HTTP_EXPORT __attribute__((visibility("default")))
#endif

extern "C" HCIATTEST_HTTP_EXPORT const hciattest::imds::detail::HttpModule*
hciattest_http_module() {
  namespace d = hciattest::imds::detail;
  static const d::HttpModule kModule{d::kHttpModuleAbi, &d::cpprest_make_transport,
                                     &d::cpprest_aia_url_refusal, &d::cpprest_fetch_aia};
  return &kModule;
}
