#include "cli/batch_runner.h"

#include <condition_variable>
#include <deque>
#include <exception>
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

// The state the reader, the workers and the writer share, under one mutex.
class Pipeline {
 public:
  explicit Pipeline(std::size_t window) : window_(window) {}

  // Reader: waits until fewer than `window` chunks are in flight (false when aborted).
  bool submit(Chunk chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [&] { return aborted_ || submitted_ - written_ < window_; });
    if (aborted_) return false;
    chunk.seq = submitted_++;
    work_.push_back(std::move(chunk));
    work_ready_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    work_ready_.notify_all();
    done_ready_.notify_all();
  }
  void abort(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::move(e);
    aborted_ = true;
    work_ready_.notify_all();
    done_ready_.notify_all();
    space_.notify_all();
  }

  // Worker: the next chunk to verify, or none when the input is over.
  bool take(Chunk& chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    work_ready_.wait(lock, [&] { return aborted_ || closed_ || !work_.empty(); });
    if (aborted_ || work_.empty()) return false;
    chunk = std::move(work_.front());
    work_.pop_front();
    return true;
  }
  void finish(Chunk chunk) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t seq = chunk.seq;
    done_.emplace(seq, std::move(chunk));
    if (seq == written_) done_ready_.notify_one();
  }

  // Writer: the chunk that comes next in input order, once it is verified; false at the end.
  bool next_in_order(Chunk& chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_ready_.wait(lock, [&] {
      return aborted_ || done_.count(written_) != 0 || (closed_ && written_ == submitted_);
    });
    auto it = done_.find(written_);
    if (aborted_ || it == done_.end()) return false;
    chunk = std::move(it->second);
    done_.erase(it);
    return true;
  }
  void written() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++written_;
    space_.notify_one();
  }
  std::exception_ptr error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

 private:
  const std::size_t window_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_, done_ready_, space_;
  std::deque<Chunk> work_;
  std::map<std::size_t, Chunk> done_;  // verified, waiting for their turn
  std::size_t submitted_ = 0, written_ = 0;
  bool closed_ = false, aborted_ = false;
  std::exception_ptr error_;
};

}  // namespace

BatchCounts run_batch(io::LineReader& reader,
                      const std::function<std::unique_ptr<attest::Verifier>()>& make_verifier,
                      unsigned jobs, const BatchRender& render, std::ostream& out) {
  if (jobs <= 1) {
    auto verifier = make_verifier();
    return run_inline(reader, *verifier, render, out);
  }
  Pipeline pipeline(static_cast<std::size_t>(jobs) * kChunksPerJob);
  BatchCounts counts;
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < jobs; ++i) {
    workers.emplace_back([&] {
      try {
        auto verifier = make_verifier();
        for (Chunk chunk; pipeline.take(chunk);) {
          verify_chunk(*verifier, render, chunk);
          pipeline.finish(std::move(chunk));
        }
      } catch (...) {
        pipeline.abort(std::current_exception());
      }
    });
  }
  std::thread writer([&] {
    try {
      for (Chunk chunk; pipeline.next_in_order(chunk);) {
        out << chunk.results;
        out.flush();
        counts.verified += chunk.counts.verified;
        counts.rejected += chunk.counts.rejected;
        pipeline.written();
      }
    } catch (...) {
      pipeline.abort(std::current_exception());
    }
  });
  try {
    Chunk chunk;
    std::string line;
    for (Status st; (st = reader.next(line)) != Status::kEnd;) {
      if (st == Status::kLine && is_blank(line)) continue;
      chunk.lines.push_back({reader.line_number(), std::move(line)});
      line = std::string();
      // An over-cap line goes at once, before its rest is skipped (which may take long).
      if (chunk.lines.size() >= kLinesPerChunk || st == Status::kOverCap ||
          !reader.more_buffered()) {
        if (!pipeline.submit(std::move(chunk))) break;
        chunk = Chunk();
      }
    }
    if (!chunk.lines.empty()) pipeline.submit(std::move(chunk));
  } catch (...) {
    pipeline.abort(std::current_exception());
  }
  pipeline.close();
  for (auto& w : workers) w.join();
  writer.join();
  if (auto e = pipeline.error()) std::rethrow_exception(e);
  return counts;
}

}  // namespace hciattest::cli
