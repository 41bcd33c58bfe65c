// io::LineReader (capped lines, io/bounded_read.h) against std::getline (uncapped), the reader
// `verify --batch` used before, on the same input: 20,000 lines of 5 KiB (an attested document's
// size) from an in-memory stream, and from a file through std::ifstream. The ratio of the two is
// the cost of the cap; verifying a line takes about 35 us, so a reader at a few us per line is
// noise beside it. Run: build/linux/tests/bench/line_reader_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "io/bounded_read.h"

namespace {

const std::string& batch_text() {
  static const std::string text = [] {
    std::string line(5 * 1024, 'Q');
    line.front() = '{';
    line.back() = '}';
    std::string all;
    for (int i = 0; i < 20000; ++i) all += line + "\n";
    return all;
  }();
  return text;
}

const std::filesystem::path& batch_file() {
  static const std::filesystem::path path = [] {
    auto p = std::filesystem::temp_directory_path() / "hciattest-line-reader-bench.jsonl";
    std::ofstream(p, std::ios::binary) << batch_text();
    return p;
  }();
  return path;
}

template <typename Stream>
void count_getline(Stream& in) {
  std::size_t bytes = 0;
  for (std::string line; std::getline(in, line);) bytes += line.size();
  benchmark::DoNotOptimize(bytes);
}

template <typename Stream>
void count_line_reader(Stream& in) {
  hciattest::io::LineReader reader(in, 64 * 1024);
  std::size_t bytes = 0;
  std::string line;
  while (reader.next(line) != hciattest::io::LineReader::Status::kEnd) bytes += line.size();
  benchmark::DoNotOptimize(bytes);
}

void BM_Getline_Memory(benchmark::State& state) {
  for (auto _ : state) {
    std::istringstream in(batch_text());
    count_getline(in);
  }
  state.SetItemsProcessed(state.iterations() * 20000);
}

void BM_LineReader_Memory(benchmark::State& state) {
  for (auto _ : state) {
    std::istringstream in(batch_text());
    count_line_reader(in);
  }
  state.SetItemsProcessed(state.iterations() * 20000);
}

void BM_Getline_File(benchmark::State& state) {
  for (auto _ : state) {
    std::ifstream in(batch_file(), std::ios::binary);
    count_getline(in);
  }
  state.SetItemsProcessed(state.iterations() * 20000);
}

void BM_LineReader_File(benchmark::State& state) {
  for (auto _ : state) {
    std::ifstream in(batch_file(), std::ios::binary);
    count_line_reader(in);
  }
  state.SetItemsProcessed(state.iterations() * 20000);
}

BENCHMARK(BM_Getline_Memory)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LineReader_Memory)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Getline_File)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LineReader_File)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
