// The cpprestsdk half of imds/ (the IMDS transport and the AIA fetcher), reached through one table.
//
// On Linux it is a module of its own, libhciattest-http.so, loaded on first use: loading
// cpprestsdk (and the brotli, zlib and libssl it pulls in) cost 3.1 ms of every start, a quarter of
// a cold `hciattest verify`, for commands that never touch the network (scripts/bench-coldstart).
// On Windows the table is linked into the one hciattest.exe. Private to imds/.
//
// The Linux program may carry its own copy of libstdc++ (HCIATTEST_STATIC_CXX_RUNTIME) while the
// module uses the shared one, as cpprestsdk does. So only objects of the same library version
// cross the table (strings, maps, a Transport and its response), allocated and freed through
// malloc on both sides, and no exception crosses it: the functions behind it catch what
// cpprestsdk throws and report it in their results.
#pragma once

#include <memory>
#include <string>

#include "imds/aia_fetcher.h"
#include "imds/transport.h"

namespace hciattest::imds::detail {

// Bumped whenever HttpModule changes: a program never uses a module built from other sources.
inline constexpr int kHttpModuleAbi = 1;

struct HttpModule {
  int abi;
  std::unique_ptr<Transport> (*make_transport)();
  std::string (*aia_url_refusal)(const std::string& url, const AiaFetchPolicy& policy);
  AiaFetchResult (*fetch_aia)(const std::string& url, const AiaFetchPolicy& policy);
};

// The module's table, loaded once (thread-safe). Throws HttpModuleError, with a message that names
// the module and what to do, when it cannot be loaded.
const HttpModule& http_module();

// The implementations behind the table (imds/transport_cpprest.cpp, imds/aia_fetcher_cpprest.cpp).
std::unique_ptr<Transport> cpprest_make_transport();
std::string cpprest_aia_url_refusal(const std::string& url, const AiaFetchPolicy& policy);
AiaFetchResult cpprest_fetch_aia(const std::string& url, const AiaFetchPolicy& policy);

}  // namespace hciattest::imds::detail

// The module's one exported symbol.
extern "C" const hciattest::imds::detail::HttpModule* hciattest_http_module();
