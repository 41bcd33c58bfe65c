// RAII owners for OpenSSL objects and the error-queue drain. Private to attest/ (and its tests):
// public headers never include OpenSSL.
#pragma once

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hciattest::attest::detail {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};

using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using Pkcs7Ptr = std::unique_ptr<PKCS7, Deleter<PKCS7, PKCS7_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using EvpMdPtr = std::unique_ptr<EVP_MD, Deleter<EVP_MD, EVP_MD_free>>;

inline void free_x509_stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_x509_stack>>;

// Drains OpenSSL's thread error queue into one line ("" when empty). Call it on every failure
// path so a stale error never leaks into the next document's diagnosis.
std::string drain_openssl_errors();

// Empties the queue without rendering it, where the text is not wanted: rendering the first error
// loads every OpenSSL error string, 0.3 ms of a cold `verify` (scripts/bench-coldstart).
inline void clear_openssl_errors() { ERR_clear_error(); }

// One-line RFC 2253 rendering of a name, e.g. "CN=metadata.azure.com,O=Microsoft".
std::string name_to_string(const X509_NAME* name);

// SHA-256 of a byte range, as raw bytes.
std::string sha256(const unsigned char* data, size_t len);

// Lower-case hex of raw bytes.
std::string to_hex(std::string_view bytes);

// The certificate as DER bytes.
std::vector<unsigned char> to_der(X509* cert);

}  // namespace hciattest::attest::detail
