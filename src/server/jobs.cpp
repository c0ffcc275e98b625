// evident: background jobs of `evident serve`; see evident/server/jobs.hpp.
#include "evident/server/jobs.hpp"

#include <algorithm>
#include <exception>
#include <new>

namespace evident::server {

using nlohmann::json;

JobRegistry::JobRegistry(std::size_t max_running, std::size_t keep_finished)
    : max_running_(std::max<std::size_t>(1, max_running)), keep_finished_(std::max<std::size_t>(1, keep_finished)) {}

JobRegistry::~JobRegistry() {
  // Job threads are detached; wait until the last one has left finish().
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return running_ == 0; });
}

void JobRegistry::finish(const std::shared_ptr<Job>& job, JobOutcome outcome) {
  std::lock_guard<std::mutex> lock(mutex_);
  job->outcome = std::move(outcome);
  job->finished = true;
  if (job->outcome.status >= 200 && job->outcome.status < 300) {
    job->progress = 1.0;
    job->stage = "done";
  }
  job->elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - job->started).count();
  --running_;
  finished_order_.push_back(job->id);
  while (finished_order_.size() > keep_finished_) {
    jobs_.erase(finished_order_.front());
    finished_order_.erase(finished_order_.begin());
  }
  changed_.notify_all();
}

std::optional<std::string> JobRegistry::start(JobWork work) {
  std::shared_ptr<Job> job;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (running_ >= max_running_) return std::nullopt;
    job = std::make_shared<Job>();
    job->id = std::to_string(next_id_++);
    job->started = std::chrono::steady_clock::now();
    jobs_[job->id] = job;
    ++running_;
  }
  const JobProgress progress = [this, job](std::string_view stage, double fraction) {
    std::lock_guard<std::mutex> lock(mutex_);
    job->stage = std::string(stage);
    job->progress = std::clamp(fraction, job->progress, 1.0);  // never goes back
  };
  std::thread([this, job, work = std::move(work), progress]() mutable {
    JobOutcome out;
    try {
      out = work(progress);
    } catch (const std::bad_alloc&) {
      out = {500, json{{"message", "out of memory"}}};
    } catch (const std::exception& e) {
      out = {500, json{{"message", e.what()}}};
    }
    work = nullptr;  // what the work holds (e.g. a review handle) is released before the registry may go
    finish(job, std::move(out));
  }).detach();
  return job->id;
}

std::optional<json> JobRegistry::status(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  const Job& j = *it->second;
  const bool ok = j.outcome.status >= 200 && j.outcome.status < 300;
  json s{{"id", j.id},
         {"state", !j.finished ? "running" : ok ? "done" : "failed"},
         {"stage", j.stage},
         {"progress", j.progress},
         {"elapsed_s", j.finished ? j.elapsed_s
                                  : std::chrono::duration<double>(std::chrono::steady_clock::now() - j.started).count()}};
  if (j.finished) {
    s["status"] = j.outcome.status;
    if (ok) {
      s["result"] = j.outcome.body;
    } else {
      s["diagnostics"] = j.outcome.body.is_object() && j.outcome.body.contains("diagnostics")
                             ? j.outcome.body["diagnostics"]
                             : json::array();
      if (j.outcome.body.is_object() && j.outcome.body.contains("message")) s["message"] = j.outcome.body["message"];
    }
  }
  return s;
}

bool JobRegistry::wait(const std::string& id) const {
  std::unique_lock<std::mutex> lock(mutex_);
  if (jobs_.find(id) == jobs_.end()) return false;
  changed_.wait(lock, [&] {
    const auto it = jobs_.find(id);
    return it == jobs_.end() || it->second->finished;
  });
  return true;
}

}  // namespace evident::server
