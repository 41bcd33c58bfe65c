#include "activation/journal.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <type_traits>

#include "activation/kms_target.h"
#include "io/utf8_path.h"
#include "hostcheck/network.h"

namespace hciattest::activation {
namespace {

using nlohmann::json;

std::optional<StepKind> kind_named(const std::string& id) {
  for (auto k : {StepKind::kEnableTask, StepKind::kRunTask, StepKind::kSetRoute,
                 StepKind::kInstallKey, StepKind::kSetKmsHost, StepKind::kActivate}) {
    if (id == step_kind_id(k)) return k;
  }
  return std::nullopt;
}

json route_json(const RouteChange& r) {
  return {{"target", r.target}, {"gateway", r.gateway}, {"interface", r.interface_name},
          {"interface_index", r.interface_index}, {"metric", r.metric}};
}

json old_route_json(const hostcheck::Route& r) {
  return {{"destination", r.destination}, {"prefix_length", r.prefix_length},
          {"gateway", r.gateway}, {"interface", r.interface_name},
          {"interface_index", r.interface_index}, {"metric", r.metric}};
}

// Typed reads that name the field on error.
struct Reader {
  std::string& error;
  std::string where;
  template <typename T>
  bool get(const json& j, const char* key, T& out) {
    auto it = j.find(key);
    if (it == j.end()) return fail(std::string("\"") + key + "\" is missing");
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      // A number must be a whole one in T's range: nlohmann would convert 1e99 or -1 into T
      // (undefined behaviour for a float out of range; found by journal_fuzzer).
      if (!in_range<T>(*it)) {
        return fail(std::string("\"") + key + "\" is not a whole number from " +
                    std::to_string(std::numeric_limits<T>::min()) + " to " +
                    std::to_string(std::numeric_limits<T>::max()));
      }
    }
    try {
      out = it->template get<T>();
    } catch (const json::exception&) {
      return fail(std::string("\"") + key + "\" has the wrong type");
    }
    return true;
  }
  template <typename T>
  static bool in_range(const json& v) {
    if (v.is_number_unsigned()) {
      return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    }
    if (v.is_number_integer()) {
      const std::int64_t n = v.get<std::int64_t>();
      if (n < 0) return n >= static_cast<std::int64_t>(std::numeric_limits<T>::min());
      return static_cast<std::uint64_t>(n) <=
             static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    }
    return false;
  }
  bool fail(const std::string& why) {
    if (error.empty()) error = where + why;
    return false;
  }
};

bool valid_ipv4(const std::string& s) { return hostcheck::parse_ipv4(s).has_value(); }

bool read_route(Reader& rd, const json& j, RouteChange& r) {
  if (!j.is_object()) return rd.fail("\"route_added\" is not an object");
  if (!rd.get(j, "target", r.target) || !rd.get(j, "gateway", r.gateway) ||
      !rd.get(j, "interface", r.interface_name) || !rd.get(j, "interface_index", r.interface_index) ||
      !rd.get(j, "metric", r.metric)) {
    return false;
  }
  if (!valid_ipv4(r.target) || !valid_ipv4(r.gateway)) {
    return rd.fail("route_added: \"" + r.target + "\" via \"" + r.gateway + "\" is not two IPv4 addresses");
  }
  return true;
}

bool read_old_route(Reader& rd, const json& j, hostcheck::Route& r) {
  if (!j.is_object()) return rd.fail("\"route_before\" is not an object");
  if (!rd.get(j, "destination", r.destination) || !rd.get(j, "prefix_length", r.prefix_length) ||
      !rd.get(j, "gateway", r.gateway) || !rd.get(j, "interface", r.interface_name) ||
      !rd.get(j, "interface_index", r.interface_index) || !rd.get(j, "metric", r.metric)) {
    return false;
  }
  if (!valid_ipv4(r.destination) || (!r.gateway.empty() && !valid_ipv4(r.gateway)) ||
      r.prefix_length < 0 || r.prefix_length > 32) {
    return rd.fail("route_before is not an IPv4 route");
  }
  return true;
}

}  // namespace

json journal_to_json(const Journal& j) {
  json entries = json::array();
  for (const JournalEntry& e : j.entries) {
    json x = {{"kind", step_kind_id(e.kind)}, {"title", e.title}, {"started", e.started}};
    switch (e.kind) {
      case StepKind::kEnableTask: x["task_was_enabled"] = e.task_was_enabled; break;
      case StepKind::kSetRoute:
        if (e.route_added) x["route_added"] = route_json(*e.route_added);
        if (e.route_before) x["route_before"] = old_route_json(*e.route_before);
        break;
      case StepKind::kInstallKey:
        x["channel_before"] = e.channel_before;
        x["partial_key_before"] = e.partial_key_before;
        break;
      case StepKind::kSetKmsHost:
        x["kms_host_before"] = e.kms_host_before;
        x["kms_port_before"] = e.kms_port_before;
        break;
      case StepKind::kRunTask:
      case StepKind::kActivate: break;
    }
    entries.push_back(x);
  }
  return {{"schema", kJournalSchema}, {"tool_version", j.tool_version},
          {"created_at", j.created_at}, {"edition", j.edition},
          {"method", j.method},        {"entries", entries}};
}

std::optional<Journal> journal_from_json(const json& j, std::string& error) {
  Reader rd{error, ""};
  if (!j.is_object()) {
    rd.fail("not a JSON object");
    return std::nullopt;
  }
  std::string schema;
  if (!rd.get(j, "schema", schema)) return std::nullopt;
  if (schema != kJournalSchema) {
    rd.fail("schema \"" + schema + "\" is not " + kJournalSchema);
    return std::nullopt;
  }
  Journal out;
  json entries;
  if (!rd.get(j, "tool_version", out.tool_version) || !rd.get(j, "created_at", out.created_at) ||
      !rd.get(j, "edition", out.edition) || !rd.get(j, "method", out.method) ||
      !rd.get(j, "entries", entries)) {
    return std::nullopt;
  }
  if (!entries.is_array()) {
    rd.fail("\"entries\" is not an array");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const json& x = entries[i];
    Reader er{error, "entries[" + std::to_string(i) + "]: "};
    JournalEntry e;
    std::string kind;
    if (!x.is_object() || !er.get(x, "kind", kind) || !er.get(x, "title", e.title) ||
        !er.get(x, "started", e.started)) {
      if (error.empty()) er.fail("not an entry");
      return std::nullopt;
    }
    const auto k = kind_named(kind);
    if (!k) {
      er.fail("unknown kind \"" + kind + "\"");
      return std::nullopt;
    }
    e.kind = *k;
    bool ok = true;
    switch (e.kind) {
      case StepKind::kEnableTask: ok = er.get(x, "task_was_enabled", e.task_was_enabled); break;
      case StepKind::kSetRoute:
        if (x.contains("route_added")) {
          RouteChange r;
          ok = read_route(er, x["route_added"], r);
          e.route_added = r;
        }
        if (ok && x.contains("route_before")) {
          hostcheck::Route r;
          ok = read_old_route(er, x["route_before"], r);
          e.route_before = r;
        }
        break;
      case StepKind::kInstallKey:
        ok = er.get(x, "channel_before", e.channel_before) &&
             er.get(x, "partial_key_before", e.partial_key_before);
        break;
      case StepKind::kSetKmsHost:
        ok = er.get(x, "kms_host_before", e.kms_host_before) &&
             er.get(x, "kms_port_before", e.kms_port_before);
        // The host goes back into the licensing service: it must be a host name or address.
        if (ok && !e.kms_host_before.empty() &&
            !parse_kms_target(e.kms_host_before).target) {
          ok = er.fail("kms_host_before \"" + e.kms_host_before + "\" is not a host name or address");
        }
        break;
      case StepKind::kRunTask:
      case StepKind::kActivate: break;
    }
    if (!ok) return std::nullopt;
    out.entries.push_back(e);
  }
  return out;
}

namespace {

// Follows the parse far enough to name the entry a cut-short journal stops in.
class EntryLocator : public nlohmann::json_sax<json> {
 public:
  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool string(string_t& v) override {
    if (in_entry()) {
      if (key_ == "kind") kind_ = v;
      if (key_ == "title") title_ = v;
    }
    return value();
  }
  bool start_object(std::size_t) override {
    if (depth_ == 2 && in_entries_) {
      ++entries_started_;
      entry_open_ = true;
      kind_.clear();
      title_.clear();
    }
    ++depth_;
    key_.clear();
    return true;
  }
  bool end_object() override {
    --depth_;
    if (depth_ == 2 && in_entries_) entry_open_ = false;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 1 && key_ == "entries") in_entries_ = true;
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    if (depth_ == 1) in_entries_ = false;
    return true;
  }
  bool key(string_t& k) override {
    key_ = k;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    position_ = position;
    message_ = e.what();
    return false;
  }

  std::string describe(std::size_t size) const {
    const bool at_end = position_ + 1 >= size;
    if (entry_open_) {
      std::string out = "the file stops inside entry " + std::to_string(entries_started_ - 1) +
                        " (entries[" + std::to_string(entries_started_ - 1) + "]";
      if (!kind_.empty()) out += ", " + kind_;
      if (!title_.empty()) out += ": \"" + title_ + "\"";
      out += ") at byte " + std::to_string(position_);
      out += at_end ? ": it was cut short while it was written (a crash or a full disk)"
                    : ": " + message_;
      return out;
    }
    return "not JSON: " + message_;
  }

 private:
  bool in_entry() const { return entry_open_ && depth_ == 3; }
  bool value() { return true; }

  int depth_ = 0;
  bool in_entries_ = false;
  bool entry_open_ = false;
  std::size_t entries_started_ = 0;
  std::string key_, kind_, title_;
  std::size_t position_ = 0;
  std::string message_;
};

}  // namespace

std::optional<Journal> journal_from_text(const std::string& bytes, std::string& error) {
  const json j = json::parse(bytes, nullptr, false);
  if (!j.is_discarded()) return journal_from_json(j, error);
  EntryLocator locator;
  json::sax_parse(bytes, &locator);
  error = locator.describe(bytes.size());
  return std::nullopt;
}

std::string FileJournalSink::write(const Journal& journal) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path path = io::utf8_path(path_);
  if (!written_ && fs::exists(path, ec)) {
    return "the journal " + path_ + " already exists: it records an earlier --apply, which undo "
           "needs; give another --journal (or undo that one first)";
  }
  if (path.has_parent_path()) {
    if (std::string why = create_journal_directory(io::path_utf8(path.parent_path()));
        !why.empty()) {
      return why;
    }
  }
  const fs::path tmp = io::utf8_path(path_ + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot write " + io::path_utf8(tmp);
    out << journal_to_json(journal).dump(2) << "\n";
    out.flush();
    if (!out) return "cannot write " + io::path_utf8(tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) return "cannot rename " + io::path_utf8(tmp) + " to " + path_ + ": " + ec.message();
  written_ = true;
  return {};
}

std::string default_journal_path(const std::string& stamp) {
  const char* program_data = std::getenv("ProgramData");
  if (program_data != nullptr && *program_data != '\0') {
    return io::path_utf8(io::utf8_path(program_data) / "hciattest" / ("activation-" + stamp + ".json"));
  }
  return "hciattest-activation-" + stamp + ".json";
}

}  // namespace hciattest::activation
