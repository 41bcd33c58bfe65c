// Linux: getifaddrs for adapters and addresses, rtnetlink (RTM_GETROUTE) for the routing table
// and for the kernel's own route choice, non-blocking connect with poll, getaddrinfo.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include "hostcheck/network.h"

namespace hciattest::hostcheck {
namespace {

std::string errno_text(const char* what, int err) {
  return std::string(what) + " failed: " + std::strerror(err) + " (errno " + std::to_string(err) + ")";
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

int prefix_of(const sockaddr* mask) {
  if (mask == nullptr) return 0;
  int bits = 0;
  const unsigned char* p = nullptr;
  size_t len = 0;
  if (mask->sa_family == AF_INET) {
    p = reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in*>(mask)->sin_addr);
    len = 4;
  } else if (mask->sa_family == AF_INET6) {
    p = reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr);
    len = 16;
  }
  for (size_t i = 0; i < len; ++i) bits += __builtin_popcount(p[i]);
  return bits;
}

std::string ntop(int family, const void* addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  inet_ntop(family, addr, buf, sizeof(buf));
  return buf;
}

std::string interface_name(unsigned index) {
  char buf[IF_NAMESIZE] = {0};
  return if_indextoname(index, buf) != nullptr ? buf : "if" + std::to_string(index);
}

// Sends one rtnetlink request and collects the route messages of the answer.
Result<std::vector<Route>> netlink_routes(const std::string* target) {
  Result<std::vector<Route>> out;
  FdCloser sock{::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)};
  if (sock.fd < 0) {
    out.error = errno_text("socket(AF_NETLINK)", errno);
    return out;
  }
  struct {
    nlmsghdr hdr;
    rtmsg msg;
    char attrs[64];
  } req{};
  req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  req.hdr.nlmsg_type = RTM_GETROUTE;
  req.hdr.nlmsg_flags = NLM_F_REQUEST | (target == nullptr ? NLM_F_DUMP : 0);
  req.hdr.nlmsg_seq = 1;
  req.msg.rtm_family = AF_INET;
  if (target != nullptr) {
    in_addr dst{};
    if (inet_pton(AF_INET, target->c_str(), &dst) != 1) {
      out.error = "\"" + *target + "\" is not an IPv4 address";
      return out;
    }
    // RTA_DST: ask the kernel which route it would use (as `ip route get`).
    auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&req) + NLMSG_ALIGN(req.hdr.nlmsg_len));
    rta->rta_type = RTA_DST;
    rta->rta_len = RTA_LENGTH(sizeof(dst));
    std::memcpy(RTA_DATA(rta), &dst, sizeof(dst));
    req.hdr.nlmsg_len = NLMSG_ALIGN(req.hdr.nlmsg_len) + RTA_LENGTH(sizeof(dst));
    req.msg.rtm_dst_len = 32;
  }
  if (::send(sock.fd, &req, req.hdr.nlmsg_len, 0) < 0) {
    out.error = errno_text("send(RTM_GETROUTE)", errno);
    return out;
  }
  std::vector<Route> routes;
  char buf[16384];
  for (bool done = false; !done;) {
    ssize_t n = ::recv(sock.fd, buf, sizeof(buf), 0);
    if (n < 0) {
      out.error = errno_text("recv(netlink)", errno);
      return out;
    }
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, n);
         h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        done = true;
        break;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        if (e->error == 0) continue;
        out.error = target != nullptr ? "no route to " + *target + ": " + std::strerror(-e->error)
                                      : errno_text("RTM_GETROUTE", -e->error);
        return out;
      }
      if (h->nlmsg_type != RTM_NEWROUTE) continue;
      const auto* rt = static_cast<const rtmsg*>(NLMSG_DATA(h));
      if (target == nullptr && (rt->rtm_table != RT_TABLE_MAIN || rt->rtm_type != RTN_UNICAST)) continue;
      Route r;
      r.prefix_length = rt->rtm_dst_len;
      r.destination = "0.0.0.0";
      int len = static_cast<int>(RTM_PAYLOAD(h));
      for (auto* a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        switch (a->rta_type) {
          case RTA_DST: r.destination = ntop(AF_INET, RTA_DATA(a)); break;
          case RTA_GATEWAY: r.gateway = ntop(AF_INET, RTA_DATA(a)); break;
          case RTA_OIF: r.interface_index = *static_cast<const unsigned*>(RTA_DATA(a)); break;
          case RTA_PRIORITY: r.metric = *static_cast<const std::uint32_t*>(RTA_DATA(a)); break;
          default: break;
        }
      }
      r.interface_name = interface_name(r.interface_index);
      routes.push_back(std::move(r));
    }
    if (target != nullptr) done = true;
  }
  out.value = std::move(routes);
  return out;
}

class LinuxNetworkInspector : public NetworkInspector {
 public:
  Result<std::vector<Adapter>> adapters() override {
    Result<std::vector<Adapter>> out;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
      out.error = errno_text("getifaddrs", errno);
      return out;
    }
    std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> owner(list, ::freeifaddrs);
    std::map<std::string, Adapter> by_name;
    for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
      Adapter& a = by_name[i->ifa_name];
      a.name = i->ifa_name;
      a.index = if_nametoindex(i->ifa_name);
      a.up = (i->ifa_flags & IFF_UP) != 0 && (i->ifa_flags & IFF_RUNNING) != 0;
      a.loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
      if (i->ifa_addr == nullptr) continue;
      const int family = i->ifa_addr->sa_family;
      if (family == AF_PACKET) {
        const auto* ll = reinterpret_cast<const sockaddr_ll*>(i->ifa_addr);
        if (ll->sll_halen == 6) {
          char mac[18];
          std::snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0],
                        ll->sll_addr[1], ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4],
                        ll->sll_addr[5]);
          a.mac = mac;
        }
      } else if (family == AF_INET || family == AF_INET6) {
        InterfaceAddress ia;
        ia.ipv6 = family == AF_INET6;
        ia.address = ia.ipv6 ? ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr)
                             : ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr);
        ia.prefix_length = prefix_of(i->ifa_netmask);
        a.addresses.push_back(std::move(ia));
      }
    }
    std::vector<Adapter> adapters;
    for (auto& [name, a] : by_name) adapters.push_back(std::move(a));
    out.value = std::move(adapters);
    return out;
  }

  Result<std::vector<Route>> ipv4_routes() override { return netlink_routes(nullptr); }

  Result<Route> route_to(const std::string& ipv4) override {
    Result<Route> out;
    auto r = netlink_routes(&ipv4);
    if (!r.ok()) {
      out.error = r.error;
    } else if (r.value->empty()) {
      out.error = "no route to " + ipv4;
    } else {
      out.value = r.value->front();
    }
    return out;
  }

  ConnectProbe tcp_connect(const std::string& ipv4, std::uint16_t port,
                           std::chrono::milliseconds timeout) override {
    ConnectProbe probe;
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&t0] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    };
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (inet_pton(AF_INET, ipv4.c_str(), &addr.sin_addr) != 1) {
      probe.error = "\"" + ipv4 + "\" is not an IPv4 address";
      return probe;
    }
    FdCloser sock{::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
    if (sock.fd < 0) {
      probe.error = errno_text("socket", errno);
      return probe;
    }
    if (::connect(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
      probe.connected = true;
    } else if (errno != EINPROGRESS) {
      probe.error = errno_text("connect", errno);
    } else {
      pollfd pfd{sock.fd, POLLOUT, 0};
      const int rc = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
      if (rc == 0) {
        probe.error = "timed out after " + std::to_string(timeout.count()) + " ms (no answer: "
                      "packets dropped or the host is absent)";
      } else if (rc < 0) {
        probe.error = errno_text("poll", errno);
      } else {
        int err = 0;
        socklen_t len = sizeof(err);
        ::getsockopt(sock.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err == 0) probe.connected = true;
        else probe.error = errno_text("connect", err);
      }
    }
    probe.elapsed_ms = elapsed();
    return probe;
  }

  Result<std::vector<std::string>> resolve(const std::string& name) override {
    Result<std::vector<std::string>> out;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
      out.error = "cannot resolve " + name + ": " + gai_strerror(rc) + " (EAI " + std::to_string(rc) + ")";
      return out;
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(res, ::freeaddrinfo);
    std::vector<std::string> addresses;
    for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
      std::string text =
          a->ai_family == AF_INET6
              ? ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr)
              : ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr);
      bool seen = false;
      for (const auto& s : addresses) seen = seen || s == text;
      if (!seen) addresses.push_back(std::move(text));
    }
    out.value = std::move(addresses);
    return out;
  }
};

}  // namespace

std::unique_ptr<NetworkInspector> make_network_inspector() {
  return std::make_unique<LinuxNetworkInspector>();
}

}  // namespace hciattest::hostcheck
