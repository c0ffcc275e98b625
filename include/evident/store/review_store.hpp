// evident: the living-review store (evident issue 7, first part).
//
// A review is one SQLite file (any name; `.evident` by convention) holding the question (title and a PICO JSON
// object), the outcomes, treatments (with an optional class), studies (label, year, risk of bias, indirectness,
// covariates), each study's data per outcome, the analysis settings, every analysis run and a change log.
// The study and arm payloads are the evident JSON dataset format (evident/data/json_io.hpp): a study row keeps the
// fields of a "studies" element, a study_data row keeps one element of an outcome's "data" array without its
// "study" key. The Dataset is rebuilt by assembling the evident JSON document and reading it with read_json(), so
// the store has no second data model.
//
// Guarantees: every change runs in one transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on any failure), the
// journal is in WAL mode with synchronous=FULL (a process killed mid-write loses no committed transaction),
// foreign keys are on, and the schema version is `PRAGMA user_version` with one migration step per version
// (kSchemaVersion; docs/methods/store.md lists them). Nothing here throws on user input, reads the clock or
// prints: times are given by the caller, problems are Diagnostics (codes "store-*").
//
// Run inputs are identified by a 64-bit FNV-1a hash (Fowler, Noll, Vo; offset basis 14695981039346656037, prime
// 1099511628211) of the canonical dataset JSON, write_json(dataset, -1), written as 16 lower-case hex digits. It
// detects changed inputs; it is not a cryptographic hash.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"
#include "evident/pairwise/request.hpp"

struct sqlite3;

namespace evident::store {

/// The schema version this build writes (PRAGMA user_version). Version 1 had no change log and no
/// runs.software_version / runs.last_change columns; migration 1 -> 2 adds them.
inline constexpr int kSchemaVersion = 2;

/// 64-bit FNV-1a of `text` as 16 hex digits.
std::string fnv1a64_hex(const std::string& text);

/// The analysis settings kept in the store: the NMA settings (as `evident nma`), the effect measure and the
/// certainty step (as `evident nma --certainty --rob-rule --incoherence-rule`;
/// evident/certainty/network_certainty.hpp).
struct ReviewSettings {
  NetworkSettings network;
  std::string measure;                            ///< empty = the outcome's default measure
  bool certainty = true;                          ///< CINeMA, summary of findings and draft recommendations
  std::string rob_rule = "majority";              ///< "majority", "highest", "average"
  std::string incoherence_rule = "ci-agreement";  ///< "ci-agreement", "side-p"
};
/// {"measure", "network": {...}, "certainty": {"on", "rob_rule", "incoherence_rule"}}.
nlohmann::json to_json(const ReviewSettings& s);
/// Unknown keys are ignored and missing keys keep their defaults (a store written before the "certainty" key runs
/// with certainty on, majority, ci-agreement); wrong types and unknown rule names give a "store-bad-settings" error
/// (naming the allowed values).
ReviewSettings settings_from_json(const nlohmann::json& j, Diagnostics& diagnostics);

/// One change-log entry.
struct Change {
  std::int64_t id = 0;
  std::string time;
  std::string action;  ///< "imported", "added", "edited", "settings"
  std::string study;   ///< empty for settings
  std::string detail;
};

/// One stored run.
struct RunRecord {
  std::int64_t id = 0;
  std::string time;
  std::string input_hash;
  nlohmann::json settings;
  std::string software_version;
  nlohmann::json results;
  std::int64_t last_change = 0;  ///< the last change-log id before the run
};

class ReviewStore;

struct OpenResult {
  std::unique_ptr<ReviewStore> store;  ///< null when `diagnostics` has errors
  Diagnostics diagnostics;
};

/// Creates a new review file (error "store-exists" if the file exists).
OpenResult create_review(const std::string& path, const std::string& title, const nlohmann::json& question = {});
/// Opens an existing review, migrating an older schema (in one transaction). Errors: "store-open" (missing or not
/// a SQLite file), "store-not-review" (a SQLite file without the review tables), "store-newer-schema".
OpenResult open_review(const std::string& path);

/// Options of the connection; busy_timeout_ms = 0 fails at once on a locked store ("store-locked").
struct StoreOptions {
  int busy_timeout_ms = 2000;
};

class ReviewStore {
 public:
  ~ReviewStore();
  ReviewStore(const ReviewStore&) = delete;
  ReviewStore& operator=(const ReviewStore&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] int schema_version() const;

  /// Adds every study and outcome of `data` (outcomes new to the store are created; an outcome already stored
  /// keeps its definition). A label already in the store is an error "store-study-exists" and nothing is added.
  /// `action` goes to the change log ("imported" or "added").
  Diagnostics add_studies(const Dataset& data, const std::string& time, const std::string& action = "added");
  /// Replaces the study-level fields and all data of the study `label` by those of the study with that label in
  /// `data` ("store-no-study" if either lacks it).
  Diagnostics replace_study(const Dataset& data, const std::string& label, const std::string& time);
  /// Sets one field of a study: year, rob (overall), rob.d1 .. rob.d5, indirectness, covariate.NAME; an empty
  /// value clears it. Judgements are read by parse_judgement().
  Diagnostics set_study_field(const std::string& label, const std::string& field, const std::string& value,
                              const std::string& time);
  /// Sets (or with an empty `cls` clears) a treatment's class.
  Diagnostics set_treatment_class(const std::string& treatment, const std::string& cls);
  Diagnostics set_settings(const ReviewSettings& settings, const std::string& time);
  [[nodiscard]] ReviewSettings settings(Diagnostics& diagnostics) const;

  /// The stored data as a Dataset (rebuilt through read_json; the file name is the store's path).
  [[nodiscard]] Dataset dataset(Diagnostics& diagnostics) const;
  [[nodiscard]] std::vector<std::string> study_labels() const;

  /// Stores a run; its id in `id`.
  Diagnostics add_run(const RunRecord& run, std::int64_t& id);
  [[nodiscard]] std::optional<RunRecord> run(std::int64_t id, Diagnostics& diagnostics) const;
  [[nodiscard]] std::vector<Change> changes(std::int64_t after, std::int64_t up_to) const;
  [[nodiscard]] std::int64_t last_change() const;

  /// The whole review as one JSON document (keys sorted, rows by id): {"evident_review": 1, "schema_version",
  /// "review", "outcomes", "treatments", "studies", "study_data", "settings", "runs", "change_log"}.
  [[nodiscard]] nlohmann::json export_json() const;
  /// export_json() without the heavy parts: no "study_data" and the runs without their "results" (what a summary
  /// of the review or a list of its studies and runs needs).
  [[nodiscard]] nlohmann::json export_light_json() const;
  /// Fills an empty store (just created) from export_json() output; nothing is written on errors.
  Diagnostics import_json(const nlohmann::json& doc);

  /// PRAGMA integrity_check == "ok".
  [[nodiscard]] bool integrity_ok() const;
  /// The raw connection, for tests.
  [[nodiscard]] sqlite3* handle() const { return db_; }

  /// Opens with explicit options (open_review() uses the defaults).
  static OpenResult open(const std::string& path, bool create, const StoreOptions& options);

 private:
  ReviewStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  [[nodiscard]] nlohmann::json export_tables(bool light) const;
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace evident::store
