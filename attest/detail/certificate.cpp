#include "attest/detail/certificate.h"

#include <openssl/x509v3.h>

#include <ctime>

#include "attest/payload.h"
#include "attest/signer_policy.h"

namespace hciattest::attest::detail {
namespace {

std::string asn1_string_utf8(const ASN1_STRING* s, bool& has_nul) {
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, s);
  if (len < 0) {
    has_nul = true;
    return {};
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  has_nul = out.find('\0') != std::string::npos;
  return out;
}

bool asn1_time_seconds(const ASN1_TIME* t, std::int64_t& out) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return false;
  out = days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                        static_cast<unsigned>(tm.tm_mday)) *
            86400 +
        tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  return true;
}

std::vector<std::string> ca_issuers(X509* cert) {
  std::vector<std::string> urls;
  auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr));
  for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); ++i) {
    ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia, i);
    if (OBJ_obj2nid(ad->method) == NID_ad_ca_issuers && ad->location->type == GEN_URI) {
      bool nul = false;
      std::string url = asn1_string_utf8(ad->location->d.uniformResourceIdentifier, nul);
      if (!nul) urls.push_back(url);
    }
  }
  AUTHORITY_INFO_ACCESS_free(aia);
  return urls;
}

std::vector<std::string> dns_names(X509* cert) {
  std::vector<std::string> names;
  auto* sans = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
    GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
    if (gn->type != GEN_DNS) continue;
    bool nul = false;
    std::string name = asn1_string_utf8(gn->d.dNSName, nul);
    if (!nul) names.push_back(name);
  }
  GENERAL_NAMES_free(sans);
  return names;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

}  // namespace

bool validity_seconds(const X509* cert, std::int64_t& not_before, std::int64_t& not_after) {
  return asn1_time_seconds(X509_get0_notBefore(cert), not_before) &&
         asn1_time_seconds(X509_get0_notAfter(cert), not_after);
}

CertificateSummary summarize(X509* cert, std::string origin) {
  CertificateSummary s;
  s.subject = name_to_string(X509_get_subject_name(cert));
  s.issuer = name_to_string(X509_get_issuer_name(cert));
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    char* hex = BN_bn2hex(bn);
    s.serial_hex = hex;
    OPENSSL_free(hex);
    BN_free(bn);
  }
  auto der = to_der(cert);
  s.sha256_hex = to_hex(sha256(der.data(), der.size()));
  std::int64_t nb = 0, na = 0;
  if (validity_seconds(cert, nb, na)) {
    s.not_before = format_iso8601(nb);
    s.not_after = format_iso8601(na);
    s.not_before_unix = nb;
    s.not_after_unix = na;
  }
  s.dns_names = dns_names(cert);
  s.ca_issuers_urls = ca_issuers(cert);
  s.origin = std::move(origin);
  clear_openssl_errors();
  return s;
}

std::vector<std::string> certificate_names(X509* cert) {
  std::vector<std::string> names;
  const X509_NAME* subject = X509_get_subject_name(cert);
  int idx = -1;
  while ((idx = X509_NAME_get_index_by_NID(subject, NID_commonName, idx)) >= 0) {
    bool nul = false;
    std::string cn = asn1_string_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx)), nul);
    if (!nul) names.push_back(cn);
  }
  for (auto& n : dns_names(cert)) names.push_back(std::move(n));
  return names;
}

CheckResult check_signer(X509* cert, const std::vector<std::string>& domains) {
  CheckResult r{"signer", "signer name and key usage", CheckStatus::kPass, ErrorCode::kOk, {}};
  // Checked on the certificate that signed, never on certificates[0] (SPIRE #6998).
  const std::vector<std::string> names = certificate_names(cert);
  std::string matched;
  for (const auto& n : names) {
    for (const auto& d : domains) {
      if (matched.empty() && name_within_domain(n, d)) matched = n;
    }
  }
  if (matched.empty()) {
    r.status = CheckStatus::kFail;
    r.code = ErrorCode::kSignerNameMismatch;
    r.message = "the signer's names [" + join(names) + "] are not within [" + join(domains) +
                "]: not a metadata-service certificate of this cloud. For Azure Stack HCI, whose "
                "signer name is not published, pass the name shown here with --signer-domain "
                "after checking it with your host";
    return r;
  }
  if (X509_check_ca(cert) != 0) {
    r.status = CheckStatus::kFail;
    r.code = ErrorCode::kSignerIsCa;
    r.message = "the document is signed by a CA certificate (" + matched +
                "): IMDS signs with an end-entity certificate";
    return r;
  }
  // Real signers carry serverAuth (most also clientAuth) and no S/MIME usage (FACTS.md).
  const uint32_t flags = X509_get_extension_flags(cert);
  if ((flags & EXFLAG_XKUSAGE) == 0 || (X509_get_extended_key_usage(cert) & XKU_SSL_SERVER) == 0) {
    r.status = CheckStatus::kFail;
    r.code = ErrorCode::kSignerEkuMismatch;
    r.message = "the signer certificate (" + matched +
                ") has no serverAuth extended key usage, which every metadata-service signer "
                "carries: it was issued for another purpose";
    return r;
  }
  // chain.cpp lets the leaf's purpose errors through to this check, so the rest of OpenSSL's
  // SSL-server purpose (key usage, Netscape cert type) is checked here; that purpose accepts
  // keyEncipherment alone, but signing needs digitalSignature (RFC 5280 4.2.1.3).
  // X509_get_key_usage is all ones when the extension is absent.
  if ((X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE) == 0 ||
      X509_check_purpose(cert, X509_PURPOSE_SSL_SERVER, 0) != 1) {
    r.status = CheckStatus::kFail;
    r.code = ErrorCode::kSignerEkuMismatch;
    r.message = "the signer certificate (" + matched +
                ") is not certified to sign: its key usage lacks digitalSignature or its "
                "Netscape cert type excludes SSL server use";
    return r;
  }
  r.message = "signed by " + matched;
  return r;
}

}  // namespace hciattest::attest::detail
