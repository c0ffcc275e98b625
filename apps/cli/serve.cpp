// `evident serve`: see serve.hpp.
#include "serve.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_output.hpp"
#include "evident/core/diagnostic_json.hpp"
#include "evident/server/api.hpp"
#include "evident/server/jobs.hpp"
#include "evident/server/reviews.hpp"
#include "evident/store/review_store.hpp"
#include "web_assets.hpp"

// After the library headers: <resolv.h>, which httplib.h includes, defines a macro `_res` that Eigen uses as a
// parameter name.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

namespace evident_cli {

struct ServeArgs {
  std::string store;
  std::string reviews;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string static_dir;
  unsigned threads = 0;  ///< 0: the number of cores (at least 4)
  std::size_t max_body = 16u * 1024u * 1024u;
  int timeout = 30;
  std::size_t max_nsim = 100000;
};

namespace {

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

/// The JSON error body of a status httplib itself set (413, 400 for a malformed request line, ...), in the form of
/// the API's errors.
std::string status_body(int status) {
  std::string code = "http-error", message = "HTTP status " + std::to_string(status), hint;
  if (status == 413) {
    code = "body-too-large";
    message = "the request body is over the server's limit";
    hint = "send less data per request (evident serve --max-body sets the limit)";
  } else if (status == 400) {
    code = "bad-request";
    message = "malformed HTTP request";
  } else if (status == 500) {
    code = "internal-error";
    message = "internal error";
    hint = "please report this as a bug";
  }
  evident::Diagnostics ds;
  ds.error(code, evident::SourceLocation{"request", 0, 0}, message, hint);
  return nlohmann::json{{"ok", false}, {"diagnostics", evident::to_json(ds)}}.dump();
}

}  // namespace

ServeCommand::ServeCommand(CLI::App& app) : args_(std::make_shared<ServeArgs>()) {
  ServeArgs& a = *args_;
  command_ = app.add_subcommand("serve", "Local HTTP JSON API: analyses, reports, figures and the review store");
  CLI::App& c = *command_;
  c.add_option("--store", a.store, "Review store (made by `evident review init`) for the /api/review routes");
  c.add_option("--reviews", a.reviews,
               "Folder of review stores (NAME.evident) the web app lists, opens and creates reviews in "
               "(created when missing)");
  c.add_option("--port", a.port, "TCP port (default 8080; 0 = any free port, printed at start)")
      ->check(CLI::Range(0, 65535));
  c.add_option("--host", a.host,
               "Address to listen on (default 127.0.0.1, this machine only; anything else prints a warning)");
  c.add_option("--static", a.static_dir,
               "Serve GET / and /static/* from this directory (default: the web app built into the binary)");
  c.add_option("--threads", a.threads, "Worker threads (default: the number of cores, at least 4)")
      ->check(CLI::Range(1u, 1024u));
  c.add_option("--max-body", a.max_body, "Largest request body in bytes (default 16 MiB; larger: HTTP 413)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 34));
  c.add_option("--timeout", a.timeout, "Read and write timeout of a connection in seconds (default 30)")
      ->check(CLI::Range(1, 3600));
  c.add_option("--max-nsim", a.max_nsim, "Largest nsim (rankogram simulations) a request may ask for (default 100000)");
}

bool ServeCommand::parsed() const {
  return command_->parsed();
}

int ServeCommand::run() const {
  const ServeArgs& a = *args_;
  evident::server::ApiContext ctx;
  ctx.max_body_bytes = a.max_body;
  ctx.max_nsim = a.max_nsim;
  ctx.static_dir = a.static_dir;
  ctx.web_assets = &web_assets();
  ctx.clock = now_utc;
  // The registry outlives the jobs (declared first, destroyed last): a running job holds a review.
  evident::server::ReviewRegistry reviews(a.reviews);
  if (!a.reviews.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.reviews, ec);
    if (ec) {
      std::cerr << "evident serve: error: cannot make the reviews folder " << a.reviews << ": " << ec.message()
                << "\n";
      return kExitUsage;
    }
  }
  if (!a.store.empty()) {
    evident::store::OpenResult opened = evident::store::open_review(a.store);
    print_diagnostics(std::cerr, opened.diagnostics);
    if (!opened.store) return kExitDataError;
    std::string name = std::filesystem::path(a.store).stem().string();
    if (!evident::server::ReviewRegistry::valid_name(name)) name = "review";
    reviews.add(name, std::move(opened.store));
    evident::Diagnostics ignored;
    const auto handle = reviews.get(name, ignored);
    ctx.store = handle->store.get();
    ctx.store_mutex = &handle->mutex;
  }
  ctx.reviews = &reviews;
  evident::server::JobRegistry jobs;
  ctx.jobs = &jobs;
  if (!is_loopback(a.host))
    std::cerr << "evident serve: warning: listening on " << a.host
              << ", not only on this machine: anyone who can reach it can run analyses and read and change the "
                 "review store; there is no authentication and no TLS\n";

  // SIGINT / SIGTERM are taken by a thread of their own (blocked here, before any other thread starts).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  httplib::Server svr;
  const unsigned threads = a.threads != 0 ? a.threads : std::max(4u, std::thread::hardware_concurrency());
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_payload_max_length(a.max_body);
  svr.set_read_timeout(a.timeout, 0);
  svr.set_write_timeout(a.timeout, 0);
  svr.set_keep_alive_timeout(5);

  const auto respond = [&ctx](const httplib::Request& req, std::string body, httplib::Response& res) {
    evident::server::ApiRequest ar;
    ar.method = req.method;
    ar.path = req.path;
    for (const auto& [k, v] : req.params) ar.query.emplace(k, v);
    ar.body = std::move(body);
    ar.content_type = req.get_header_value("Content-Type");
    const evident::server::ApiResponse r = evident::server::handle(ar, ctx);
    res.status = r.status;
    if (!r.allow.empty()) res.set_header("Allow", r.allow);
    res.set_content(r.body, r.content_type.c_str());
  };
  const auto handler = [&respond](const httplib::Request& req, httplib::Response& res) {
    respond(req, req.body, res);
  };
  // Bodies are read through a content reader: cpp-httplib would otherwise parse an
  // application/x-www-form-urlencoded body (what `curl --data` sends) as a form and refuse it over 8 KiB, a limit
  // compiled into Debian's libcpp-httplib. The --max-body limit still applies (413).
  const auto body_handler = [&respond, &ctx](const httplib::Request& req, httplib::Response& res,
                                             const httplib::ContentReader& reader) {
    std::string body;
    const std::size_t limit = ctx.max_body_bytes;
    const bool complete = reader([&body, limit](const char* data, std::size_t length) {
      body.append(data, std::min(length, limit + 1 - std::min(body.size(), limit + 1)));
      return body.size() <= limit;  // one byte over the limit is enough for handle() to answer 413
    });
    if (!complete && body.size() <= limit) {
      // cpp-httplib refused the body before reading it (a Content-Length over the limit), or the client stopped
      // sending it.
      const std::string length = req.get_header_value("Content-Length");
      const bool too_large = !length.empty() && std::strtoull(length.c_str(), nullptr, 10) > limit;
      res.status = too_large ? 413 : 400;
      res.set_content(status_body(res.status), "application/json");
      return;
    }
    respond(req, std::move(body), res);
  };
  svr.Get(".*", handler);
  svr.Post(".*", body_handler);
  svr.Put(".*", body_handler);
  svr.Patch(".*", body_handler);
  svr.Delete(".*", body_handler);
  svr.Options(".*", handler);
  svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(status_body(res.status), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(status_body(500), "application/json");
  });

  int port = a.port;
  if (port == 0) {
    port = svr.bind_to_any_port(a.host);
    if (port < 0) port = 0;
  } else if (!svr.bind_to_port(a.host, port)) {
    port = 0;
  }
  if (port <= 0) {
    std::cerr << "evident serve: error: cannot listen on " << a.host << ":" << a.port << "\n";
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    return kExitUsage;
  }
  std::cout << "evident serve: listening on http://"
            << (a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host) << ":" << port << std::endl;

  std::atomic<bool> finished{false}, signalled{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    signalled = true;
    if (finished) return;
    while (!svr.is_running() && !finished) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!finished) svr.stop();
  });
  const bool ok = svr.listen_after_bind();
  finished = true;
  if (!signalled)
    kill(getpid(), SIGTERM);  // wakes the waiter if no signal came (it is blocked in every thread, so nothing dies)
  waiter.join();
  std::cerr << "evident serve: stopped\n";
  return ok ? kExitOk : kExitUsage;
}

}  // namespace evident_cli
