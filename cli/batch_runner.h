// `verify --batch`: lines in, one result line per document out, in input order, on one thread or
// on N workers.
//
// With jobs > 1, N workers share the work with no reading or writing thread of their own: each
// takes the next chunk of lines from the reader, verifies it with its own Verifier (made by
// `make_verifier` on that worker's thread; Verifier is not thread-safe, the TrustStore the
// factory shares is: attest/verifier.h), then writes, in input order, every chunk that is next,
// its own and any that others finished first. At most `kChunksPerJob` chunks per worker are read
// and not yet written: a worker waits for room beyond that, so memory stays bounded however long
// the input. A chunk is cut when full, or as soon as no further input is already buffered, so a
// relying party that streams one document and waits for its answer gets it.
// A line's rejection never stops the batch.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "attest/verifier.h"
#include "io/bounded_read.h"

namespace hciattest::cli {

struct BatchCounts {
  std::size_t verified = 0;
  std::size_t rejected = 0;
};

// What one result line says: `line` is the input line number (from 1).
using BatchRender =
    std::function<std::string(std::size_t line, const attest::VerificationReport& report)>;

inline constexpr std::size_t kLinesPerChunk = 16;
inline constexpr std::size_t kChunksPerJob = 4;

// Reads every line of `reader` (blank ones skipped), verifies each, writes render(...) + "\n" to
// `out` in input order, flushing it as it goes. The reader's stream is untied from any output
// stream while the batch runs (std::cin from std::cout) and tied again after. jobs == 1 runs on the calling thread. An exception from a worker (none is
// expected: the verifier reports failures as values) is rethrown here once every thread stopped.
BatchCounts run_batch(io::LineReader& reader,
                      const std::function<std::unique_ptr<attest::Verifier>()>& make_verifier,
                      unsigned jobs, const BatchRender& render, std::ostream& out);

}  // namespace hciattest::cli
