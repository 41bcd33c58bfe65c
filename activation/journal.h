// The activation journal on disk: JSON ("schema": "hciattest.activation-journal/1"), written
// before every change `activate --apply` makes and read by `activate --undo`. Reading validates
// every value that undo would hand to the machine (addresses, host names, ports): a journal is
// input, and may have been edited.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "activation/apply.h"

namespace hciattest::activation {

inline constexpr const char* kJournalSchema = "hciattest.activation-journal/1";

nlohmann::json journal_to_json(const Journal& journal);
// nullopt and `error` (naming the field and what is wrong) for anything that is not a journal
// this version wrote, or holds a value undo must not use.
std::optional<Journal> journal_from_json(const nlohmann::json& j, std::string& error);

// The journal in a file's bytes. A file that is not whole JSON gets an error that says where it
// stops: inside which entry (its index, kind and title as far as they were written) and at which
// byte, for a journal cut short by a crash or a full disk; else what the JSON parser saw.
std::optional<Journal> journal_from_text(const std::string& bytes, std::string& error);

// Writes the journal to `path` atomically (a temporary file beside it, then a rename), creating
// the folder with create_journal_directory (Administrators and SYSTEM only on
// Windows). "" on success, else the reason. A file already at `path` when the first write comes
// is an earlier run's record of what it replaced: it is never overwritten (the first write fails,
// so no change is made).
class FileJournalSink : public JournalSink {
 public:
  explicit FileJournalSink(std::string path) : path_(std::move(path)) {}
  std::string write(const Journal& journal) override;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool written_ = false;  // this sink wrote `path` before: later writes replace its own file
};

// %ProgramData%\hciattest\activation-<UTC time>.json on Windows; elsewhere (or without
// ProgramData) ./hciattest-activation-<UTC time>.json. `stamp` like "20261201T220500Z".
std::string default_journal_path(const std::string& stamp);

}  // namespace hciattest::activation
