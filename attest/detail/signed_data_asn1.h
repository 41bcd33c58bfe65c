/* A lightweight ASN.1 view of a PKCS#7 SignedData (RFC 2315 section 9.1), built from OpenSSL's
 * own ASN.1 templates. Unlike PKCS7_it it leaves the embedded certificates and CRLs opaque
 * (ASN1_ANY holding each element's full DER), so parsing a document does not pay for decoding
 * certificates: the verifier decodes each distinct certificate once and caches it by digest.
 * Private to attest/. */
#ifndef HCIATTEST_ATTEST_DETAIL_SIGNED_DATA_ASN1_H_
#define HCIATTEST_ATTEST_DETAIL_SIGNED_DATA_ASN1_H_

#include <openssl/asn1.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY OPTIONAL } */
typedef struct {
  ASN1_OBJECT* type;
  ASN1_TYPE* content;
} HCI_CONTENT_INFO;

/* The encapsulated content, restricted to an OCTET STRING (the "data" type). */
typedef struct {
  ASN1_OBJECT* type;
  ASN1_OCTET_STRING* data;
} HCI_ENCAP_CONTENT;

/* A SignerInfo as PKCS7_SIGNER_INFO_it reads it, except that the IssuerAndSerialNumber is kept as
 * DER (a V_ASN1_SEQUENCE): decoding its Name costs more than the rest of the SignedData, and it is
 * the same in every document of a signer, so the parser decodes it once per distinct encoding. */
typedef struct {
  ASN1_INTEGER* version;
  ASN1_TYPE* issuer_and_serial;
  X509_ALGOR* digest_alg;
  STACK_OF(X509_ATTRIBUTE) * auth_attr;
  X509_ALGOR* digest_enc_alg;
  ASN1_OCTET_STRING* enc_digest;
  STACK_OF(X509_ATTRIBUTE) * unauth_attr;
} HCI_SIGNER_INFO;

DEFINE_STACK_OF(HCI_SIGNER_INFO)

typedef struct {
  ASN1_INTEGER* version;
  STACK_OF(X509_ALGOR) * md_algs;
  HCI_ENCAP_CONTENT* contents;
  STACK_OF(ASN1_TYPE) * certs; /* each V_ASN1_SEQUENCE holding one certificate's DER */
  STACK_OF(ASN1_TYPE) * crls;
  STACK_OF(HCI_SIGNER_INFO) * signer_info;
} HCI_SIGNED_DATA;

/* ContentInfo with its content read as a SignedData in the same pass: what an attested document
 * is. The parser tries it first; anything it does not take goes through HCI_CONTENT_INFO and
 * then HCI_SIGNED_DATA, which say what is wrong. */
typedef struct {
  ASN1_OBJECT* type;
  HCI_SIGNED_DATA* signed_data;
} HCI_SIGNED_CONTENT_INFO;

DECLARE_ASN1_FUNCTIONS(HCI_CONTENT_INFO)
DECLARE_ASN1_FUNCTIONS(HCI_ENCAP_CONTENT)
DECLARE_ASN1_FUNCTIONS(HCI_SIGNER_INFO)
DECLARE_ASN1_FUNCTIONS(HCI_SIGNED_DATA)
DECLARE_ASN1_FUNCTIONS(HCI_SIGNED_CONTENT_INFO)

#ifdef __cplusplus
}
#endif

#endif /* HCIATTEST_ATTEST_DETAIL_SIGNED_DATA_ASN1_H_ */
