// Writes verify_fuzzer's seed corpus into a directory: valid documents under the fixed fuzz root
// in every input form (IMDS JSON body, bare and wrapped base64, DER) and the shapes the verifier
// handles differently (signed attributes, other digests, an EC signer, a missing intermediate),
// plus broken ones. Usage: make_seeds DIR
#include <openssl/ec.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "activation/journal.h"
#include "tests/fuzz/fuzz_pki.h"

namespace hciattest {
namespace {

using testing::Cert;
using testing::SignSpec;

std::string as_text(const std::vector<unsigned char>& der) { return {der.begin(), der.end()}; }

// Real IMDS documents write sha256WithRSAEncryption in the SignedData's digestAlgorithms set as
// well as in the SignerInfo (tests/data/azure-docs-sample.json); OpenSSL's PKCS7_verify, the
// fuzzer's reference, only reads documents where the two agree.
std::vector<unsigned char> imds_digest_set(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  attest::detail::Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  STACK_OF(X509_ALGOR)* algs = p7->d.sign->md_algs;
  for (int i = 0; i < sk_X509_ALGOR_num(algs); ++i) {
    X509_ALGOR* alg = sk_X509_ALGOR_value(algs, i);
    if (OBJ_obj2nid(alg->algorithm) == NID_sha256) {
      X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256WithRSAEncryption), V_ASN1_NULL, nullptr);
    }
  }
  std::vector<unsigned char> out(static_cast<size_t>(i2d_PKCS7(p7.get(), nullptr)));
  unsigned char* q = out.data();
  i2d_PKCS7(p7.get(), &q);
  return out;
}

std::string wrap(const std::string& text, size_t width) {
  std::string out;
  for (size_t i = 0; i < text.size(); i += width) out += text.substr(i, width) + "\n";
  return out;
}

std::vector<std::pair<std::string, std::string>> seeds() {
  const Cert root = fuzzing::fixed_root();
  testing::CertSpec inter_spec;
  inter_spec.cn = "hciattest Fuzz Issuing CA";
  inter_spec.ca = true;
  inter_spec.ca_issuers = {"http://pki.test.invalid/fuzz-root.crt"};
  const Cert inter = testing::make_cert(inter_spec, &root);
  testing::CertSpec leaf_spec;
  leaf_spec.cn = "metadata.azure.com";
  leaf_spec.dns = {"metadata.azure.com", "eastus.metadata.azure.com"};
  leaf_spec.ca_issuers = {"http://pki.test.invalid/fuzz-issuing.crt"};
  const Cert leaf = testing::make_cert(leaf_spec, &inter);
  Cert ec_key;
  ec_key.key.reset(EVP_EC_gen("P-256"));
  const Cert ec_leaf = testing::make_cert(leaf_spec, &inter, &ec_key);
  testing::CertSpec self_spec = leaf_spec;
  const Cert self_signed = testing::make_cert(self_spec, nullptr);

  const std::string content = testing::payload(fuzzing::kNonce);
  SignSpec chain;
  chain.extra_certs = {&inter};
  const auto imds = imds_digest_set(testing::sign(content, leaf, chain));
  const std::string b64 = testing::base64(imds);

  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&out](std::string name, std::string bytes) {
    out.emplace_back(std::move(name), std::move(bytes));
  };
  add("valid.json", testing::envelope(imds));
  add("valid.b64", b64);
  add("valid_wrapped.b64", wrap(b64, 64));
  add("valid.der", as_text(imds));
  add("valid_spaced.json", "{ \"signature\" : \"" + b64 + "\" ,\n \"encoding\" : \"pkcs7\" }\n");
  add("valid_escaped.json",
      testing::envelope(imds).replace(testing::envelope(imds).find('/'), 1, "\\/"));
  add("valid_extra_member.json",
      R"({"encoding":"pkcs7","extra":[1,{"a":null}],"signature":")" + b64 + "\"}");
  add("test_pki_shape.json", testing::envelope(testing::sign(content, leaf, chain)));
  add("leaf_only.json", testing::envelope(imds_digest_set(testing::sign(content, leaf))));

  SignSpec attrs = chain;
  attrs.signed_attributes = true;
  add("signed_attributes.json", testing::envelope(testing::sign(content, leaf, attrs)));
  SignSpec sha384 = chain;
  sha384.md = EVP_sha384();
  add("sha384.json", testing::envelope(testing::sign(content, leaf, sha384)));
  SignSpec sha1 = chain;
  sha1.md = EVP_sha1();
  add("sha1.json", testing::envelope(testing::sign(content, leaf, sha1)));
  SignSpec ec = chain;
  ec.azure_digest_oid = false;
  add("ec_signer.json", testing::envelope(testing::sign(content, ec_leaf, ec)));
  SignSpec two = chain;
  two.extra_signers = {&leaf};
  add("two_signers.json", testing::envelope(testing::sign(content, leaf, two)));
  SignSpec detached = chain;
  detached.detached = true;
  add("detached.json", testing::envelope(testing::sign(content, leaf, detached)));
  SignSpec no_certs;
  no_certs.embed_signer = false;
  add("no_certs.json", testing::envelope(testing::sign(content, leaf, no_certs)));
  add("self_signed.json", testing::envelope(testing::sign(content, self_signed)));
  add("wrong_nonce.json", testing::envelope(imds_digest_set(
                              testing::sign(testing::payload("0987654321"), leaf, chain))));
  add("expired.json", testing::envelope(imds_digest_set(testing::sign(
                          testing::payload(fuzzing::kNonce, testing::kTestNow - 2 * testing::kDay,
                                           testing::kTestNow - testing::kDay),
                          leaf, chain))));
  add("not_a_payload.json",
      testing::envelope(imds_digest_set(testing::sign("[1,2,3]", leaf, chain))));
  auto tampered = imds;
  tampered[testing::find_bytes(tampered, fuzzing::kNonce)] ^= 1;
  add("tampered_content.json", testing::envelope(tampered));
  auto bad_signature = imds;
  bad_signature[bad_signature.size() - 7] ^= 0x40;
  add("bad_signature.json", testing::envelope(bad_signature));
  add("truncated.der", as_text(imds).substr(0, imds.size() / 2));
  add("trailing_bytes.der", as_text(imds) + "\x05\x00");
  add("broken_json.json", R"({"encoding":"pkcs7","signature":)");
  add("bad_base64.json", R"({"encoding":"pkcs7","signature":"MIIB!gM="})");
  add("wrong_encoding.json", R"({"encoding":"cms","signature":"MIIBAgM="})");
  // A relying party's batch line: the body with the nonce it sent.
  std::string line = testing::envelope(imds);
  line.insert(1, std::string("\"expected_nonce\":\"") + fuzzing::kNonce + "\",");
  add("batch_line.json", line);
  // Bare payloads, for the payload reader's differential check: one as IMDS writes it, one that
  // repeats members and gives them other types.
  add("payload.json", content);
  add("payload_repeated.json",
      R"({"nonce":"1","nonce":2,"vmId":"v","timeStamp":{"createdOn":"06/01/26 12:00:00 -0000",)"
      R"("expiresOn":"06/01/26 18:00:00 -0000"},"timeStamp":{"createdOn":[]},"sku":{}})");
  return out;
}

// journal_fuzzer's seeds: journals as `activate --apply` writes them, one per step kind, and
// the same cut inside its last entry.
std::vector<std::pair<std::string, std::string>> journal_seeds() {
  using activation::StepKind;
  activation::Journal j;
  j.tool_version = "0.1.0";
  j.created_at = "2026-12-01T22:05:00Z";
  j.edition = "Windows Server 2019 Datacenter";
  j.method = "kms";
  activation::JournalEntry route;
  route.kind = StepKind::kSetRoute;
  route.title = "route 169.254.169.250/32 via 172.31.32.1";
  route.started = true;
  route.route_added = activation::RouteChange{"169.254.169.250", "172.31.32.1", "Ethernet", 6, 15};
  hostcheck::Route before;
  before.destination = "169.254.169.250";
  before.prefix_length = 32;
  before.gateway = "172.31.0.1";
  before.interface_name = "Ethernet";
  before.interface_index = 6;
  before.metric = 15;
  route.route_before = before;
  activation::JournalEntry kms;
  kms.kind = StepKind::kSetKmsHost;
  kms.title = "set the KMS host to 169.254.169.250:1688";
  kms.started = true;
  kms.kms_host_before = "kms.old.example";
  kms.kms_port_before = 1700;
  activation::JournalEntry key;
  key.kind = StepKind::kInstallKey;
  key.title = "install the KMS client key";
  key.channel_before = "RETAIL";
  key.partial_key_before = "3V66T";
  activation::JournalEntry task;
  task.kind = StepKind::kEnableTask;
  task.title = "enable \\Microsoft\\Windows\\Clip\\LicenseImdsIntegration";
  task.started = true;
  j.entries = {route, kms, key, task};
  const std::string whole = activation::journal_to_json(j).dump(2);
  activation::Journal empty = j;
  empty.entries.clear();
  return {{"journal_all_kinds.json", whole},
          {"journal_empty.json", activation::journal_to_json(empty).dump()},
          {"journal_cut.json", whole.substr(0, whole.rfind("\"title\""))}};
}

}  // namespace
}  // namespace hciattest

int main(int argc, char** argv) {
  // make_seeds DIR: verify_fuzzer's seeds (verify_parse_fuzzer's too); make_seeds journal DIR.
  const bool journal = argc == 3 && std::string(argv[1]) == "journal";
  if (argc != 2 && !journal) {
    std::fprintf(stderr, "usage: make_seeds DIR | make_seeds journal DIR\n");
    return 2;
  }
  const std::string dir = argv[argc - 1];
  try {
    for (const auto& [name, bytes] : journal ? hciattest::journal_seeds() : hciattest::seeds()) {
      const std::string path = dir + "/" + name;
      std::ofstream f(path, std::ios::binary);
      f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      if (!f) {
        std::fprintf(stderr, "make_seeds: cannot write %s\n", path.c_str());
        return 1;
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
