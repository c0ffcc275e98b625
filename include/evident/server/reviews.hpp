// evident: the reviews `evident serve` offers (evident issue 7): the one given by --store and every review file
// (NAME.evident) in the --reviews folder, opened on first use and kept open; new reviews are created there.
// Each open review has its own mutex: requests on one review are served one at a time (one SQLite connection
// each), requests on different reviews in parallel. Thread-safe. Nothing here is numerical.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/report/html_report.hpp"
#include "evident/store/review_store.hpp"

namespace evident::server {

struct ReviewHandle {
  std::string name;
  std::unique_ptr<store::ReviewStore> store;
  std::mutex mutex;  ///< held while `store` is used
  /// The report of the review's data and settings as of change-log entry `report_change` (-1: none yet): the
  /// report, XLSX and figure routes share it until the review changes.
  std::int64_t report_change = -1;
  std::shared_ptr<const report::HtmlReport> report;
};

class ReviewRegistry {
 public:
  /// `dir`: the folder of review files (may be empty: no folder, no creating).
  explicit ReviewRegistry(std::string dir = {});

  /// Names are 1 to 64 of [A-Za-z0-9_-].
  [[nodiscard]] static bool valid_name(const std::string& name);

  /// Registers an open store under `name` (the --store review).
  void add(const std::string& name, std::unique_ptr<store::ReviewStore> store);
  /// The review `name`: already open, or DIR/name.evident opened now. Null with diagnostics ("bad-name",
  /// "not-found", the store's own "store-*") otherwise.
  std::shared_ptr<ReviewHandle> get(const std::string& name, Diagnostics& diagnostics);
  /// Creates DIR/name.evident ("store-exists" when it exists, "no-reviews-dir" without a folder).
  std::shared_ptr<ReviewHandle> create(const std::string& name, const std::string& title,
                                       const nlohmann::json& question, Diagnostics& diagnostics);
  /// Every review: the registered ones and the folder's *.evident files, by name.
  [[nodiscard]] std::vector<std::string> names() const;
  [[nodiscard]] bool can_create() const { return !dir_.empty(); }
  [[nodiscard]] const std::string& dir() const { return dir_; }

 private:
  std::string path_of(const std::string& name) const;
  std::string dir_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ReviewHandle>> open_;
};

}  // namespace evident::server
