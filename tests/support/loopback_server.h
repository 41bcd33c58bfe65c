// A tiny HTTP server on 127.0.0.1 for tests (plain sockets: Linux and Windows), answering by path from a
// table. Binds a free port; stops on destruction.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace hciattest::testing {

struct CannedResponse {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  std::string raw;  // when not empty: these bytes are sent as they are (a broken response), then
                    // the connection is closed; status, body and headers are ignored
  std::string endless;  // with raw: after it, these bytes again and again until the client goes
                        // away (or 60 s pass): headers or a body that never end
  int endless_pause_ms = 0;  // a pause before each repeat: a drip
};

class LoopbackServer {
 public:
  using Handler = std::function<CannedResponse(const std::string& path)>;
  explicit LoopbackServer(Handler handler);
  ~LoopbackServer();
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace hciattest::testing
