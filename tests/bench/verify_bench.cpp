// Batch verification throughput of attest::Verifier on one thread, in documents per second, next
// to the bare RSA-2048 verification it cannot beat. scripts/bench-verify runs it and relates the
// figures to `openssl speed rsa2048` measured in the same run.
//
// The batch is IMDS-shaped: 256 distinct documents (distinct nonces), each embedding the same
// RSA-2048 leaf and its intermediate, verified at a fixed time against a test root.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attest/detail/signed_data.h"
#include "attest/envelope.h"
#include "attest/payload.h"
#include "attest/verifier.h"
#include "tests/support/test_pki.h"

namespace hciattest {
namespace {

using attest::detail::EvpMdCtxPtr;
using attest::detail::EvpPkeyCtxPtr;
using testing::kTestNow;

constexpr int kBatchSize = 256;

struct Fixture {
  testing::Hierarchy pki = testing::make_hierarchy();
  std::shared_ptr<attest::TrustStore> trust = std::make_shared<attest::TrustStore>();
  std::vector<std::string> documents;
  std::string content = testing::payload("0123456789");  // for the raw baseline
  std::vector<unsigned char> raw_signature;

  Fixture() {
    if (!trust->add_anchors_pem(pki.root.pem(), "bench-root.pem").ok) std::abort();
    testing::SignSpec spec;
    spec.extra_certs = {&pki.intermediate};
    for (int i = 0; i < kBatchSize; ++i) {
      char nonce[16];
      std::snprintf(nonce, sizeof(nonce), "%010d", 1000000000 + i);
      documents.push_back(
          testing::envelope(testing::sign(testing::payload(nonce), pki.leaf, spec)));
    }
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pki.leaf.key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, nullptr, 0) != 1) {
      std::abort();
    }
    raw_signature.resize(len);
    if (EVP_DigestSign(ctx.get(), raw_signature.data(), &len,
                       reinterpret_cast<const unsigned char*>(content.data()),
                       content.size()) != 1) {
      std::abort();
    }
    raw_signature.resize(len);
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

// Runs `one` over every item per iteration and reports items (documents) per second; `one`
// returns the error to stop with, or nullptr.
template <typename Items, typename One>
void per_document(benchmark::State& state, const Items& items, One one) {
  std::int64_t n = 0;
  for (auto _ : state) {
    for (const auto& item : items) {
      if (const char* error = one(item)) {
        state.SkipWithError(error);
        return;
      }
    }
    n += static_cast<std::int64_t>(items.size());
  }
  state.counters["docs_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}

void verify_batch(benchmark::State& state, bool cache) {
  const Fixture& f = fixture();
  attest::VerifyOptions options;
  options.time = kTestNow;
  options.cache = cache;
  attest::Verifier verifier(f.trust, options);
  // Warm-up and sanity: every document must verify, or the figure means nothing.
  for (const auto& doc : f.documents) {
    attest::VerificationReport r = verifier.verify(doc);
    if (!r.verified) {
      state.SkipWithError(("a benchmark document does not verify: " + r.message).c_str());
      return;
    }
  }
  per_document(state, f.documents, [&verifier](const std::string& doc) -> const char* {
    return verifier.verify(doc).verified ? nullptr : "a benchmark document stopped verifying";
  });
}

void BM_VerifyBatchCacheOn(benchmark::State& state) { verify_batch(state, true); }
void BM_VerifyBatchCacheOff(benchmark::State& state) { verify_batch(state, false); }

std::vector<std::vector<unsigned char>> batch_der(const Fixture& f) {
  std::vector<std::vector<unsigned char>> ders;
  for (const auto& doc : f.documents) ders.push_back(attest::decode_envelope(doc).der);
  return ders;
}

std::vector<std::string> batch_contents(const Fixture& f) {
  std::vector<std::string> contents;
  for (const auto& der : batch_der(f)) {
    attest::detail::ParsedSignedData parsed;
    attest::detail::parse_signed_data(der, parsed);
    contents.emplace_back(parsed.content);
  }
  return contents;
}

// Where a cached document's time goes, phase by phase, over the same batch: the response
// envelope (JSON scan and base64), the SignedData structure, the payload JSON, and the
// signature with the kept verification state. scripts/bench-verify prints them per document.
void BM_PhaseEnvelope(benchmark::State& state) {
  per_document(state, fixture().documents, [](const std::string& doc) -> const char* {
    attest::EnvelopeResult e = attest::decode_envelope(doc);
    return e.code == attest::ErrorCode::kOk ? nullptr : "a benchmark envelope does not decode";
  });
}

void BM_PhaseStructure(benchmark::State& state) {
  attest::detail::SignerIdCache ids;
  per_document(state, batch_der(fixture()), [&ids](const auto& der) -> const char* {
    attest::detail::ParsedSignedData parsed;
    return attest::detail::parse_signed_data(der, parsed, &ids).code == attest::ErrorCode::kOk
               ? nullptr
               : "a benchmark document does not parse";
  });
}

void BM_PhasePayload(benchmark::State& state) {
  per_document(state, batch_contents(fixture()), [](const std::string& content) -> const char* {
    return attest::parse_payload(content).code == attest::ErrorCode::kOk
               ? nullptr
               : "a benchmark payload does not parse";
  });
}

void BM_PhaseSignature(benchmark::State& state) {
  const Fixture& f = fixture();
  const auto ders = batch_der(f);
  std::vector<attest::detail::ParsedSignedData> parsed(ders.size());
  std::vector<std::size_t> documents;
  for (std::size_t i = 0; i < ders.size(); ++i) {
    attest::detail::parse_signed_data(ders[i], parsed[i]);
    documents.push_back(i);
  }
  attest::detail::SignatureCache cache;
  X509* leaf = f.pki.leaf.x509.get();
  per_document(state, documents, [&](std::size_t i) -> const char* {
    return attest::detail::verify_signature(parsed[i], ders[i], leaf, cache).code ==
                   attest::ErrorCode::kOk
               ? nullptr
               : "a benchmark signature does not verify";
  });
}

// The floors under two phases: what OpenSSL's template decoder alone costs for the SignedData
// (decode and free, nothing checked), and what nlohmann's parser alone costs to read the
// payload (json::accept: no tree, no callbacks). No verifier built on these libraries can
// spend less on those phases.
void BM_FloorSignedDataTemplate(benchmark::State& state) {
  per_document(state, batch_der(fixture()), [](const auto& der) -> const char* {
    const unsigned char* p = der.data();
    HCI_SIGNED_CONTENT_INFO* ci =
        d2i_HCI_SIGNED_CONTENT_INFO(nullptr, &p, static_cast<long>(der.size()));
    if (ci == nullptr) return "a benchmark document does not decode";
    HCI_SIGNED_CONTENT_INFO_free(ci);
    return nullptr;
  });
}

void BM_FloorPayloadAccept(benchmark::State& state) {
  per_document(state, batch_contents(fixture()), [](const std::string& content) -> const char* {
    return nlohmann::json::accept(content) ? nullptr : "a benchmark payload is not JSON";
  });
}

// The floor: one RSA-2048 PKCS#1 v1.5 SHA-256 verification of an IMDS-sized payload through
// EVP_DigestVerify, with a fresh context per signature as a straightforward caller would do.
void BM_RawRsa2048DigestVerify(benchmark::State& state) {
  const Fixture& f = fixture();
  EVP_PKEY* key = X509_get0_pubkey(f.pki.leaf.x509.get());
  std::int64_t n = 0;
  for (auto _ : state) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    const int rc = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
                   EVP_DigestVerify(ctx.get(), f.raw_signature.data(), f.raw_signature.size(),
                                    reinterpret_cast<const unsigned char*>(f.content.data()),
                                    f.content.size()) == 1;
    if (rc != 1) {
      state.SkipWithError("the baseline signature does not verify");
      return;
    }
    ++n;
  }
  state.counters["docs_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}

// What `openssl speed rsa2048` measures: the RSA public-key operation alone, through a context
// initialised once, over a precomputed SHA-256 digest.
void BM_RawRsa2048PkeyVerify(benchmark::State& state) {
  const Fixture& f = fixture();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  EVP_Digest(f.content.data(), f.content.size(), digest, &digest_len, EVP_sha256(), nullptr);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(X509_get0_pubkey(f.pki.leaf.x509.get()), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1) {
    state.SkipWithError("cannot initialise the baseline context");
    return;
  }
  std::int64_t n = 0;
  for (auto _ : state) {
    if (EVP_PKEY_verify(ctx.get(), f.raw_signature.data(), f.raw_signature.size(), digest,
                        digest_len) != 1) {
      state.SkipWithError("the baseline signature does not verify");
      return;
    }
    ++n;
  }
  state.counters["docs_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}

}  // namespace
}  // namespace hciattest

BENCHMARK(hciattest::BM_VerifyBatchCacheOn)->Unit(benchmark::kMillisecond);
BENCHMARK(hciattest::BM_VerifyBatchCacheOff)->Unit(benchmark::kMillisecond);
BENCHMARK(hciattest::BM_PhaseEnvelope)->Unit(benchmark::kMillisecond);
BENCHMARK(hciattest::BM_PhaseStructure)->Unit(benchmark::kMillisecond);
BENCHMARK(hciattest::BM_PhasePayload)->Unit(benchmark::kMillisecond);
BENCHMARK(hciattest::BM_PhaseSignature)->Unit(benchmark::kMillisecond);
BENCHMARK(hciattest::BM_FloorSignedDataTemplate)->Unit(benchmark::kMillisecond);
BENCHMARK(hciattest::BM_FloorPayloadAccept)->Unit(benchmark::kMillisecond);
BENCHMARK(hciattest::BM_RawRsa2048DigestVerify)->Unit(benchmark::kMicrosecond);
BENCHMARK(hciattest::BM_RawRsa2048PkeyVerify)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
