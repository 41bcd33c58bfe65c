// The files a command reads because the user named them (--ca-file, --undo, ...), each under a
// cap (io/bounded_read.h). The caps that no option raises are named here, once; the document's
// cap is --max-bytes (cli/common_options.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "io/bounded_read.h"

namespace hciattest::cli {

// A PEM file of CA certificates: the whole bundle (20 certificates) is about 40 KiB, Debian's
// ca-certificates.crt about 220 KiB.
inline constexpr std::size_t kMaxPemFileBytes = 1024 * 1024;
// An activation journal: a few KiB for the largest plan.
inline constexpr std::size_t kMaxJournalBytes = 1024 * 1024;

// Reads at most `cap` bytes of the file at `path` (UTF-8). Throws UsageError when it cannot be
// opened or read ("cannot open --ca-file "x.pem": No such file or directory: check the path and
// that you may read it") or is larger than `cap` (cap_message() plus `over_cap_hint`, which says
// what such a file usually holds). `option` names the input in those messages.
std::string read_option_file(const std::string& path, std::string_view option, std::size_t cap,
                             std::string_view over_cap_hint);

// Throws UsageError when `r` could not be read: "cannot open WHAT: <why>: check the path and
// that you may read it", or "cannot read WHAT: <why>: ...". `what` names the input
// ("the document \"doc.json\""). An over-cap result is left to the caller.
void throw_if_unreadable(const io::ReadResult& r, const std::string& what);

// The hint for a PEM file over kMaxPemFileBytes.
inline constexpr std::string_view kPemOverCapHint =
    "a CA file holds a few certificates (hciattest's whole bundle is about 40 KiB): check that it "
    "is the right file";

}  // namespace hciattest::cli
