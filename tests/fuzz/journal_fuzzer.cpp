// An elevated `activate --undo` reads a journal file, which may have been edited or cut short:
// journal_from_text on arbitrary bytes must not crash, must say why it refuses, and whatever it
// accepts must survive the round trip (journal_to_json, then reading that again gives the same
// journal), since that is what `--apply` writes and `--undo` reads.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "activation/journal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hciattest::activation;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto journal = journal_from_text(text, error);
  if (!journal) {
    if (error.empty()) std::abort();
    return 0;
  }
  const nlohmann::json written = journal_to_json(*journal);
  std::string again_error;
  const auto again = journal_from_text(written.dump(2), again_error);
  if (!again || journal_to_json(*again) != written) std::abort();
  // Cut short anywhere inside, what --apply wrote is refused with a reason, never half-read.
  const std::string whole = written.dump();
  const std::string cut = whole.substr(0, size % whole.size());
  std::string cut_error;
  if (journal_from_text(cut, cut_error) || cut_error.empty()) std::abort();
  return 0;
}
