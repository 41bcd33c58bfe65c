// `hciattest report` reads JSON from every VM of a fleet: the fleet reader (fleet/fleet_report.h)
// on arbitrary bytes must not crash, must name what it skips, and every view it renders must be
// well-formed: the JSON view parses back with the same totals.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fleet/fleet_report.h"

namespace f = hciattest::fleet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  f::FleetReport r;
  // Twice, as two files: read or skipped alike; the same machine twice (one row, one duplicate)
  // unless the report names no machine, when each file's name stands for one.
  const bool first = r.add(bytes, "a.json", 1);
  const bool second = r.add(bytes, "b.json", 2);
  if (first != second) std::abort();
  if (!first && (r.skipped().size() != 2 || r.skipped()[0].reason.empty())) std::abort();
  if (first && r.machine_count() + r.duplicates().size() != 2) std::abort();
  if (first && r.machine_count() == 2 && r.machines()[0]->name == r.machines()[1]->name) std::abort();
  const auto j = nlohmann::json::parse(f::to_json(r, "t", "0"), nullptr, false);
  if (j.is_discarded() || j["totals"]["machines"] != r.machine_count()) std::abort();
  (void)f::to_text(r);
  (void)f::to_csv(r);
  (void)f::to_junit(r, "t");
  (void)f::to_html(r, "t");
  return 0;
}
