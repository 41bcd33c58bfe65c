// Security-SPP events from the Application log: what Windows' own activation attempts reported
// (FACTS.md "Error codes and events"). spp_events_windows.cpp reads them with EvtQuery/EvtRender
// (values, not the localised message text); spp_events_linux.cpp answers "not applicable on
// Linux". Interpreting them is pure and tested everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hciattest::activation {

struct SppEvent {
  std::uint32_t id = 0;
  std::string time;                // ISO 8601 UTC
  std::vector<std::string> data;   // the event's insertion strings, in order
};

struct SppEventReading {
  bool available = false;          // false: the log could not be read (error says why)
  std::string error;
  std::vector<SppEvent> events;    // newest first
};

// 12288, 12289, 8196, 8198 and 8200 from provider Microsoft-Windows-Security-SPP, newest first,
// at most `max`.
SppEventReading read_spp_events(std::size_t max = 50);

struct SppFinding {
  std::string meaning;                  // what the event says, for people
  std::optional<std::uint32_t> hresult;  // the code it carries, when it carries one
  std::string kms_host;                 // "host:port" a 12288 names
  bool failure = false;
};
SppFinding interpret_spp_event(const SppEvent& e);

struct SppSummary {
  bool any = false;        // at least one activation event
  bool failing = false;    // the newest outcome is a failure, or a request went unanswered
  std::string summary;     // one sentence
  std::vector<std::string> evidence;  // "2026-11-30T08:00:01Z 12288: ..." newest first, a few
  std::optional<std::uint32_t> last_error;
};
SppSummary summarize_spp_events(const std::vector<SppEvent>& newest_first);

}  // namespace hciattest::activation
