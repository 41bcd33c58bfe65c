#include "cli/batch_runner.h"

#include <condition_variable>
#include <exception>
#include <istream>
#include <map>
#include <mutex>
#include <ostream>
#include <thread>
#include <utility>
#include <vector>

namespace hciattest::cli {
namespace {

using Status = io::LineReader::Status;

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

struct Line {
  std::size_t number;
  std::string text;
};

struct Chunk {
  std::size_t seq = 0;
  std::vector<Line> lines;
  std::string results;  // the rendered lines, each ending in '\n'
  BatchCounts counts;
};

void verify_chunk(attest::Verifier& verifier, const BatchRender& render, Chunk& chunk) {
  for (const Line& line : chunk.lines) {
    const attest::VerificationReport report = verifier.verify(line.text);
    (report.verified ? chunk.counts.verified : chunk.counts.rejected)++;
    chunk.results += render(line.number, report);
    chunk.results += '\n';
  }
  chunk.lines.clear();
}

BatchCounts run_inline(io::LineReader& reader, attest::Verifier& verifier,
                       const BatchRender& render, std::ostream& out) {
  BatchCounts counts;
  std::string line;
  for (Status st; (st = reader.next(line)) != Status::kEnd;) {
    if (st == Status::kLine && is_blank(line)) continue;
    const attest::VerificationReport report = verifier.verify(line);
    (report.verified ? counts.verified : counts.rejected)++;
    out << render(reader.line_number(), report) << '\n';
    // An over-cap line's answer goes out before its rest is skipped (which may take long).
    if (st == Status::kOverCap || !reader.more_buffered()) out.flush();
  }
  return counts;
}

// What the workers share. There is no reading or writing thread: on a machine with as many cores
// as workers, those would take turns with the verifiers (measured: --jobs 2 reached 1.46-1.60x of
// --jobs 1 that way). Each worker takes the reader, cuts the next chunk and lets it go; verifies
// the chunk; then writes every chunk that is next in input order, its own and those that others
// finished before it. The reader has its own mutex, held while a chunk is cut (and while waiting
// for room in the window); the shared state has another, released while a chunk is written; no
// lock is held while verifying.
class Pipeline {
 public:
  Pipeline(io::LineReader& reader, std::size_t window, std::ostream& out)
      : reader_(reader), window_(window), out_(out) {}

  // The next chunk of input, or false at its end (or after an error). Waits while `window`
  // chunks are read and not yet written, so memory stays bounded.
  bool read(Chunk& chunk) {
    std::lock_guard<std::mutex> reading(reading_);
    if (ended_) return false;
    {
      // Waiting here holds the reader, which only other readers want: the writer needs state_.
      std::unique_lock<std::mutex> lock(state_);
      space_.wait(lock, [&] { return failed_ || read_ - written_ < window_; });
      if (failed_) return false;
    }
    chunk = Chunk();
    std::string line;
    for (Status st; (st = reader_.next(line)) != Status::kEnd;) {
      if (st == Status::kLine && is_blank(line)) continue;
      chunk.lines.push_back({reader_.line_number(), std::move(line)});
      line = std::string();
      // An over-cap line goes at once, before its rest is skipped (which may take long); a chunk
      // goes as soon as no further input is buffered, so a streaming client gets its answer.
      if (chunk.lines.size() >= kLinesPerChunk || st == Status::kOverCap ||
          !reader_.more_buffered()) {
        break;
      }
    }
    if (chunk.lines.empty()) {
      ended_ = true;
      return false;
    }
    std::lock_guard<std::mutex> lock(state_);
    chunk.seq = read_++;
    return true;
  }

  // Hands in a verified chunk; writes it and every chunk after it that is ready, in order.
  void finish(Chunk chunk) {
    std::unique_lock<std::mutex> lock(state_);
    done_.emplace(chunk.seq, std::move(chunk));
    // One writer at a time; a worker that finds another writing leaves its chunk to it.
    if (writing_) return;
    writing_ = true;
    for (auto it = done_.find(written_); it != done_.end() && !failed_; it = done_.find(written_)) {
      Chunk next = std::move(it->second);
      done_.erase(it);
      lock.unlock();
      try {
        out_ << next.results;
        out_.flush();
      } catch (...) {
        lock.lock();
        writing_ = false;
        throw;
      }
      counts_.verified += next.counts.verified;
      counts_.rejected += next.counts.rejected;
      lock.lock();
      ++written_;
      space_.notify_all();
    }
    writing_ = false;
  }

  void fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(state_);
    if (!error_) error_ = std::move(e);
    failed_ = true;
    space_.notify_all();
  }
  std::exception_ptr error() const {
    std::lock_guard<std::mutex> lock(state_);
    return error_;
  }
  // Once every worker has stopped.
  BatchCounts counts() const { return counts_; }

 private:
  io::LineReader& reader_;
  const std::size_t window_;
  std::ostream& out_;
  std::mutex reading_;  // the reader and ended_
  bool ended_ = false;
  mutable std::mutex state_;  // everything below
  std::condition_variable space_;
  std::map<std::size_t, Chunk> done_;  // verified, waiting for their turn
  std::size_t read_ = 0, written_ = 0;
  bool writing_ = false, failed_ = false;
  BatchCounts counts_;  // updated by the one writer
  std::exception_ptr error_;
};

// Undoes the input's tie for the batch and restores it after. std::cin is tied to std::cout: each
// read would flush the output first, and with workers that flush comes from the worker cutting a
// chunk while another writes one to the same buffer (a data race; measured: a result line written
// twice). Every write here is flushed explicitly, so the tie adds nothing.
class UntieInput {
 public:
  explicit UntieInput(std::istream& in) : in_(in), tied_(in.tie(nullptr)) {}
  ~UntieInput() { in_.tie(tied_); }
  UntieInput(const UntieInput&) = delete;
  UntieInput& operator=(const UntieInput&) = delete;

 private:
  std::istream& in_;
  std::ostream* tied_;
};

}  // namespace

BatchCounts run_batch(io::LineReader& reader,
                      const std::function<std::unique_ptr<attest::Verifier>()>& make_verifier,
                      unsigned jobs, const BatchRender& render, std::ostream& out) {
  const UntieInput untie(reader.stream());
  if (jobs <= 1) {
    auto verifier = make_verifier();
    return run_inline(reader, *verifier, render, out);
  }
  Pipeline pipeline(reader, static_cast<std::size_t>(jobs) * kChunksPerJob, out);
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < jobs; ++i) {
    workers.emplace_back([&] {
      try {
        auto verifier = make_verifier();
        for (Chunk chunk; pipeline.read(chunk);) {
          verify_chunk(*verifier, render, chunk);
          pipeline.finish(std::move(chunk));
        }
      } catch (...) {
        pipeline.fail(std::current_exception());
      }
    });
  }
  for (auto& w : workers) w.join();
  if (auto e = pipeline.error()) std::rethrow_exception(e);
  return pipeline.counts();
}

}  // namespace hciattest::cli
