// evident: background jobs of `evident serve` (evident issue 7): long runs (large rankogram simulations, big
// networks) are started by one request and watched by others, so the web app can show their progress.
//
// A job is a function run on a thread of its own that reports (stage, fraction) through a ProgressFn
// (evident/core/progress.hpp) and ends with an HTTP status and a JSON body. JobRegistry::status() gives
// {"id", "state": "running" | "done" | "failed", "stage", "progress", "elapsed_s"} and, once finished, "status"
// and "result" (done) or "diagnostics" (failed). At most `max_running` jobs run at once (start() refuses more);
// the newest `keep_finished` finished jobs are kept for status(). Job threads are detached; the destructor waits
// until every running job has finished.
// Nothing here is numerical.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace evident::server {

/// What a job's work returns: an HTTP status (2xx: done, anything else: failed) and the JSON body.
struct JobOutcome {
  int status = 200;
  nlohmann::json body;
};

/// Reports progress from the job's thread: stage text and fraction done in [0, 1].
using JobProgress = std::function<void(std::string_view stage, double fraction)>;
using JobWork = std::function<JobOutcome(const JobProgress& progress)>;

class JobRegistry {
 public:
  explicit JobRegistry(std::size_t max_running = 4, std::size_t keep_finished = 64);
  ~JobRegistry();
  JobRegistry(const JobRegistry&) = delete;
  JobRegistry& operator=(const JobRegistry&) = delete;

  /// Starts `work` on a new thread and returns its id ("1", "2", ...), or nothing when max_running jobs are
  /// already running.
  std::optional<std::string> start(JobWork work);
  /// The job's state as JSON, or nothing for an unknown (or forgotten) id.
  [[nodiscard]] std::optional<nlohmann::json> status(const std::string& id) const;
  /// Blocks until the job has finished (for tests); false for an unknown id.
  bool wait(const std::string& id) const;

 private:
  struct Job {
    std::string id;
    std::string stage = "queued";
    double progress = 0.0;
    bool finished = false;
    JobOutcome outcome;
    std::chrono::steady_clock::time_point started;
    double elapsed_s = 0.0;
  };
  void finish(const std::shared_ptr<Job>& job, JobOutcome outcome);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::vector<std::string> finished_order_;
  std::size_t max_running_, keep_finished_;
  std::size_t running_ = 0;
  std::size_t next_id_ = 1;
};

}  // namespace evident::server
