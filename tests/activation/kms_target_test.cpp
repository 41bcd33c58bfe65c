#include "activation/kms_target.h"

#include <gtest/gtest.h>

namespace hciattest::activation {
namespace {

struct Good {
  const char* text;
  const char* host;
  std::uint16_t port;
  bool ipv6;
  const char* shown;
};

class GoodTarget : public ::testing::TestWithParam<Good> {};

TEST_P(GoodTarget, Parses) {
  const auto p = parse_kms_target(GetParam().text);
  ASSERT_TRUE(p.target) << p.error;
  EXPECT_EQ(p.target->host, GetParam().host);
  EXPECT_EQ(p.target->port, GetParam().port);
  EXPECT_EQ(p.target->ipv6, GetParam().ipv6);
  EXPECT_EQ(p.target->text(), GetParam().shown);
}

INSTANTIATE_TEST_SUITE_P(
    Values, GoodTarget,
    ::testing::Values(
        Good{"azkms.core.windows.net", "azkms.core.windows.net", 1688, false,
             "azkms.core.windows.net:1688"},
        Good{"azkms.core.windows.net:1688", "azkms.core.windows.net", 1688, false,
             "azkms.core.windows.net:1688"},
        Good{"kms01:1700", "kms01", 1700, false, "kms01:1700"},
        Good{"169.254.169.250", "169.254.169.250", 1688, false, "169.254.169.250:1688"},  // parsed only
        Good{"10.0.0.4:65535", "10.0.0.4", 65535, false, "10.0.0.4:65535"},
        Good{"[fd00:ec2::240]", "fd00:ec2::240", 1688, true, "[fd00:ec2::240]:1688"},
        Good{"[fd00:ec2::240]:1", "fd00:ec2::240", 1, true, "[fd00:ec2::240]:1"},
        Good{"KMS-1.Contoso.COM", "KMS-1.Contoso.COM", 1688, false, "KMS-1.Contoso.COM:1688"}));

struct Bad {
  const char* name;
  std::string text;
  const char* reason;  // a phrase the error must contain
};

class BadTarget : public ::testing::TestWithParam<Bad> {};

TEST_P(BadTarget, IsRejectedWithTheReasonAndTheExpectedForm) {
  const auto p = parse_kms_target(GetParam().text);
  EXPECT_FALSE(p.target) << GetParam().text;
  EXPECT_NE(p.error.find(GetParam().reason), std::string::npos) << p.error;
  EXPECT_NE(p.error.find("expected HOST[:PORT]"), std::string::npos) << p.error;
}

INSTANTIATE_TEST_SUITE_P(
    Values, BadTarget,
    ::testing::Values(
        Bad{"empty", "", "empty"},
        Bad{"space", "kms host", "a space"},
        Bad{"leading_space", " kms", "a space"},
        Bad{"tab", "kms\t1", "a tab"},
        Bad{"newline", "kms\n1", "a control character"},
        Bad{"semicolon", "kms;reboot", "';'"},
        Bad{"ampersand", "kms&&calc", "'&'"},
        Bad{"pipe", "kms|x", "'|'"},
        Bad{"dollar", "$(whoami)", "'$'"},
        Bad{"backtick", "`id`", "'`'"},
        Bad{"quote", "kms\"x", "'\"'"},
        Bad{"redirect", "kms>out", "'>'"},
        Bad{"slash_option", "/ato", "'/'"},
        Bad{"dash_option", "-ato", "starts or ends with a hyphen"},
        Bad{"port_zero", "kms:0", "out of range"},
        Bad{"port_70000", "kms:70000", "out of range"},
        Bad{"port_letters", "kms:http", "not a number"},
        Bad{"port_empty", "kms:", "not a number"},
        Bad{"port_huge", "kms:99999999999", "not a number"},
        Bad{"no_host", ":1688", "no host"},
        Bad{"bare_ipv6", "fd00:ec2::240", "in brackets"},
        Bad{"bare_ipv6_with_port", "fd00:ec2::240:1688", "in brackets"},
        Bad{"unclosed_bracket", "[fd00::1", "without its ']'"},
        Bad{"empty_brackets", "[]:1688", "empty brackets"},
        Bad{"not_ipv6_in_brackets", "[kms]:1688", "not an IPv6 address"},
        Bad{"junk_after_bracket", "[fd00::1]x", "after ']'"},
        Bad{"bracket_in_name", "kms]", "brackets"},
        Bad{"octet_256", "10.0.0.256", "> 255"},
        Bad{"three_octets", "10.0.1", "dotted-quad"},
        Bad{"double_dot", "kms..contoso.com", "empty label"},
        Bad{"trailing_dot", "kms.", "empty label"},
        Bad{"underscore", "kms_1", "'_'"},
        Bad{"non_ascii", "km\xc3\xa9s", "non-ASCII"},
        Bad{"long_label", std::string(64, 'a'), "longer than 63"},
        Bad{"long_name", std::string(250, 'a').replace(50, 1, ".").replace(100, 1, ".")
                             .replace(150, 1, ".").replace(200, 1, ".") + ".com",
            "longer than 253"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace hciattest::activation
