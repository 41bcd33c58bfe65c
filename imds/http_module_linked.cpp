// Windows: the HTTP module is linked into hciattest.exe (imds/detail/http_module.h).
#include "imds/detail/http_module.h"

namespace hciattest::imds::detail {

const HttpModule& http_module() { return *hciattest_http_module(); }

}  // namespace hciattest::imds::detail
