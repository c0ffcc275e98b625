// evident: the review routes of the HTTP API (/api/reviews, /api/reviews/{name}/..., /api/review/...) and the job
// status route; see evident/server/api.hpp and docs/methods/server.md. The store, run, diff and report code is the
// library's (evident/store/review_store.hpp, review_run.hpp, evident/report/html_report.hpp); nothing numerical
// happens here.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "api_internal.hpp"
#include "evident/core/diagnostic_json.hpp"
#include "evident/core/version.hpp"
#include "evident/network/request.hpp"
#include "evident/pairwise/request.hpp"
#include "evident/report/xlsx.hpp"
#include "evident/server/jobs.hpp"
#include "evident/server/reviews.hpp"
#include "evident/store/review_run.hpp"
#include "evident/store/review_store.hpp"

namespace evident::server::detail {

using nlohmann::json;

namespace {

/// The review a request is about: its store and mutex, and (for /api/reviews/{name}) the handle keeping it open.
struct Target {
  store::ReviewStore* store = nullptr;
  std::mutex* mutex = nullptr;
  std::shared_ptr<ReviewHandle> handle;
  std::string name;
};

std::unique_lock<std::mutex> lock_of(const Target& t) {
  return t.mutex != nullptr ? std::unique_lock<std::mutex>(*t.mutex) : std::unique_lock<std::mutex>();
}

json run_json(const store::RunRecord& rec, bool with_results) {
  json j{{"id", rec.id},
         {"time", rec.time},
         {"input_hash", rec.input_hash},
         {"settings", rec.settings},
         {"software_version", rec.software_version},
         {"last_change", rec.last_change}};
  if (with_results) j["results"] = rec.results;
  return j;
}

json summary_json(const Target& t) {
  store::ReviewStore& st = *t.store;
  const json doc = st.export_light_json();
  const json runs = doc.value("runs", json::array());  // without their results
  Diagnostics ds;
  const store::ReviewSettings settings = st.settings(ds);
  json review = json::object();
  if (const json rows = doc.value("review", json::array()); rows.is_array() && !rows.empty())
    review = json{{"title", rows[0].value("title", "")}, {"question", rows[0].value("question", json::object())}};
  json treatments = json::array();
  for (const auto& tr : doc.value("treatments", json::array()))
    treatments.push_back(json{{"name", tr.value("name", "")}, {"class", tr.contains("class") ? tr["class"] : json()}});
  return json{{"name", t.name},
              {"path", st.path()},
              {"schema_version", st.schema_version()},
              {"review", review},
              {"outcomes", doc.value("outcomes", json::array())},
              {"treatments", treatments},
              {"studies", st.study_labels()},
              {"settings", to_json(settings)},
              {"runs", runs.size()},
              {"last_run", runs.empty() ? json(nullptr) : runs.back()},
              {"last_change", st.last_change()},
              {"diagnostics", to_json(ds)}};
}

// ---- POST studies ----

ApiResponse studies_route(const ApiRequest& req, const ApiContext& ctx, const Target& t) {
  ApiResponse error;
  const auto body = parse_object(req, ctx, error);
  if (!body) return error;
  std::string action = "added";
  if (const auto a = body->find("action"); a != body->end()) {
    if (!a->is_string() || (*a != "added" && *a != "imported"))
      return error_response(422, "invalid-option", "\"action\" must be \"imported\" or \"added\"", {}, "action");
    action = a->get<std::string>();
  }
  ReadResult read = read_upload(*body);
  if (!read.ok()) return error_response(422, read.diagnostics);
  if (read.dataset.studies.empty()) {
    read.diagnostics.error("no-studies", kBody, "the data hold no study", "check the file and the column mapping");
    return error_response(422, read.diagnostics);
  }
  const auto lock = lock_of(t);
  // Data of another type under a stored outcome's name would be excluded at the next run; refuse it now.
  for (const auto& stored : t.store->export_light_json().value("outcomes", json::array()))
    for (const Outcome& o : read.dataset.outcomes)
      if (o.name == stored.value("name", "") && o.time_point.value_or("") == stored.value("time_point", "") &&
          to_string(o.type) != stored.value("type", ""))
        read.diagnostics
            .error("outcome-type-mismatch", SourceLocation{body->value("filename", std::string("request")), 0, 0},
                   "the review's outcome '" + o.name + "' is " + stored.value("type", "") + " but the data give it as " +
                       to_string(o.type),
                   "name the outcome of these data differently (\"outcome_name\"), or check the column mapping")
            .field = "outcome_name";
  if (read.diagnostics.has_errors()) return error_response(422, read.diagnostics);
  const Diagnostics added = t.store->add_studies(read.dataset, ctx.clock ? ctx.clock() : std::string(), action);
  read.diagnostics.append(added);
  if (added.has_errors()) return error_response(422, read.diagnostics);
  json labels = json::array();
  for (const Study& s : read.dataset.studies) labels.push_back(s.label);
  return json_response(200, json{{"ok", true},
                                 {"added", labels},
                                 {"format", read.dataset.format},
                                 {"diagnostics", to_json(read.diagnostics)}});
}

// ---- PATCH / PUT studies/{label}, PUT treatments/{name} (what `evident review edit` does) ----

ApiResponse edit_study_route(const ApiRequest& req, const ApiContext& ctx, const Target& t, const std::string& label) {
  ApiResponse error;
  const auto body = parse_object(req, ctx, error);
  if (!body) return error;
  const std::string time = ctx.clock ? ctx.clock() : std::string();
  if (req.method == "PUT") {  // replace the study's data by that of the same label in the upload
    ReadResult read = read_upload(*body);
    if (!read.ok()) return error_response(422, read.diagnostics);
    const auto lock = lock_of(t);
    read.diagnostics.append(t.store->replace_study(read.dataset, label, time));
    if (read.diagnostics.has_errors()) return error_response(422, read.diagnostics);
    return json_response(200, json{{"ok", true}, {"study", label}, {"diagnostics", to_json(read.diagnostics)}});
  }
  // PATCH {"rob": "high", "year": "2001", ...}: the fields of `review edit --set`, in order, one change each.
  Diagnostics ds;
  for (const auto& [field, value] : body->items()) {
    if (!value.is_string() && !value.is_number() && !value.is_null()) {
      ds.error("invalid-option", kBody, "the value of '" + field + "' must be a string, a number or null").field = field;
    }
  }
  if (ds.has_errors()) return error_response(422, ds);
  const auto lock = lock_of(t);
  json applied = json::array();
  for (const auto& [field, value] : body->items()) {
    const std::string text = value.is_null() ? std::string() : value.is_string() ? value.get<std::string>() : value.dump();
    ds.append(t.store->set_study_field(label, field, text, time));
    if (ds.has_errors()) break;  // the fields before stay set (each is its own change)
    applied.push_back(field);
  }
  if (ds.has_errors()) {
    return json_response(422, json{{"ok", false}, {"applied", applied}, {"diagnostics", to_json(ds)}});
  }
  return json_response(200, json{{"ok", true}, {"study", label}, {"applied", applied}, {"diagnostics", to_json(ds)}});
}

ApiResponse treatment_route(const ApiRequest& req, const ApiContext& ctx, const Target& t, const std::string& name) {
  ApiResponse error;
  const auto body = parse_object(req, ctx, error);
  if (!body) return error;
  const auto cls = body->find("class");
  if (cls == body->end() || !(cls->is_string() || cls->is_null()))
    return error_response(422, "invalid-option", "send {\"class\": \"NAME\"} (null or \"\" clears it)", {}, "class");
  const auto lock = lock_of(t);
  const Diagnostics ds = t.store->set_treatment_class(name, cls->is_null() ? std::string() : cls->get<std::string>());
  if (ds.has_errors()) return error_response(422, ds);
  return json_response(200, json{{"ok", true}, {"treatment", name}, {"class", *cls}});
}

// ---- PUT settings ----

ApiResponse settings_route(const ApiRequest& req, const ApiContext& ctx, const Target& t) {
  ApiResponse error;
  const auto body = parse_object(req, ctx, error);
  if (!body) return error;
  if (auto limit = check_limits(*body, ctx)) return *limit;
  const auto lock = lock_of(t);
  Diagnostics ds;
  // The body may give only what changes (JSON merge patch, RFC 7396, onto the stored settings).
  json merged = to_json(t.store->settings(ds));
  merged.merge_patch(*body);
  const store::ReviewSettings s = store::settings_from_json(merged, ds);
  (void)make_network_options(s.network, ds);  // checks the values as `evident nma` does
  if (ds.has_errors()) return error_response(422, ds);
  const Diagnostics stored = t.store->set_settings(s, ctx.clock ? ctx.clock() : std::string());
  if (stored.has_errors()) return error_response(422, stored);
  return json_response(200, json{{"settings", to_json(s)}});
}

// ---- POST run ----

JobOutcome run_now(const Target& t, const std::string& time, const JobProgress& progress) {
  if (progress) progress("waiting for the review", 0.0);
  const auto lock = lock_of(t);
  const store::RunResult r = store::run_review(*t.store, time, kVersion, progress);
  if (!r.ok()) return {422, json{{"ok", false}, {"diagnostics", to_json(r.diagnostics)}}};
  json j = run_json(r.record, true);
  j["diagnostics"] = to_json(r.diagnostics);
  return {200, std::move(j)};
}

ApiResponse run_route(const ApiRequest& req, ApiContext& ctx, const Target& t) {
  bool async = false;
  if (!req.body.empty()) {
    ApiResponse error;
    const auto body = parse_object(req, ctx, error);
    if (!body) return error;
    if (const auto a = body->find("async"); a != body->end()) {
      if (!a->is_boolean()) return error_response(422, "invalid-option", "\"async\" must be true or false", {}, "async");
      async = a->get<bool>();
    }
  }
  const std::string time = ctx.clock ? ctx.clock() : std::string();
  if (async && ctx.jobs != nullptr) {
    const auto id = ctx.jobs->start([t, time](const JobProgress& progress) { return run_now(t, time, progress); });
    if (!id)
      return error_response(503, "busy", "too many runs are in progress", "wait for one to finish and try again");
    return json_response(202, json{{"job", *id}, {"status", "/api/jobs/" + *id}});
  }
  const JobOutcome out = run_now(t, time, {});
  return json_response(out.status, out.body);
}

// ---- report, xlsx, figures ----

/// The report of the review's current data and settings (cached on the handle until the review changes).
std::shared_ptr<const report::HtmlReport> review_report(const Target& t, Diagnostics& ds) {
  const auto lock = lock_of(t);
  const std::int64_t change = t.store->last_change();
  if (t.handle && t.handle->report && t.handle->report_change == change) return t.handle->report;
  const store::ReviewSettings s = t.store->settings(ds);
  const Dataset data = t.store->dataset(ds);
  if (ds.has_errors()) return nullptr;
  if (data.studies.empty()) {
    ds.error("no-studies", SourceLocation{t.store->path(), 0, 0}, "the review has no studies yet",
             "import data first");
    return nullptr;
  }
  report::ReportSettings settings;
  settings.effects.measure = s.measure;
  settings.network = make_network_options(s.network, ds);
  settings.pairwise = make_pairwise_options(MetaSettings{}, PairwiseSettings{}, ds);
  if (ds.has_errors()) return nullptr;
  report::ReportInput input = report::analyse_for_report(data, settings);
  ds.append(input.diagnostics);
  std::string title = "evident review";
  const json doc_review = t.store->export_light_json().value("review", json::array());
  if (doc_review.is_array() && !doc_review.empty()) title = doc_review[0].value("title", title);
  input.title = title;
  auto page = std::make_shared<const report::HtmlReport>(report::html_report(input));
  if (t.handle) {
    t.handle->report = page;
    t.handle->report_change = change;
  }
  return page;
}

ApiResponse xlsx_response(const report::HtmlReport& page) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string path = (fs::temp_directory_path(ec) / "evident-XXXXXX").string();
  const int fd = mkstemp(path.data());
  if (fd < 0) return error_response(500, "internal-error", "cannot make a temporary file for the workbook");
  close(fd);
  const std::string file = path + ".xlsx";
  fs::rename(path, file, ec);
  const Diagnostics ds = report::write_xlsx(page.tables, file);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  in.close();
  fs::remove(file, ec);
  if (ds.has_errors()) return error_response(500, ds);
  ApiResponse r;
  r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  r.body = ss.str();
  return r;
}

ApiResponse review_sub(const ApiRequest& req, ApiContext& ctx, const Target& t, const std::string& sub) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (sub.empty()) {
    if (!get) return method_not_allowed(req.method, req.path, "GET");
    const auto lock = lock_of(t);
    return json_response(200, summary_json(t));
  }
  if (sub == "studies") {
    if (get) {  // the studies (year, RoB, indirectness, covariates) and treatments, without their data
      const auto lock = lock_of(t);
      const json doc = t.store->export_light_json();
      return json_response(200, json{{"studies", doc["studies"]}, {"treatments", doc["treatments"]}});
    }
    if (req.method != "POST") return method_not_allowed(req.method, req.path, "GET, POST");
    return studies_route(req, ctx, t);
  }
  if (sub.rfind("studies/", 0) == 0 && sub.size() > 8) {
    if (req.method != "PATCH" && req.method != "PUT") return method_not_allowed(req.method, req.path, "PATCH, PUT");
    return edit_study_route(req, ctx, t, sub.substr(8));
  }
  if (sub.rfind("treatments/", 0) == 0 && sub.size() > 11) {
    if (req.method != "PUT") return method_not_allowed(req.method, req.path, "PUT");
    return treatment_route(req, ctx, t, sub.substr(11));
  }
  if (sub == "export") {
    if (!get) return method_not_allowed(req.method, req.path, "GET");
    const auto lock = lock_of(t);
    return json_response(200, t.store->export_json());
  }
  if (sub == "settings") {
    if (get) {
      const auto lock = lock_of(t);
      Diagnostics ds;
      const store::ReviewSettings s = t.store->settings(ds);
      return json_response(200, json{{"settings", to_json(s)}, {"diagnostics", to_json(ds)}});
    }
    if (req.method != "PUT" && req.method != "POST") return method_not_allowed(req.method, req.path, "GET, PUT");
    return settings_route(req, ctx, t);
  }
  if (sub == "run") {
    if (req.method != "POST") return method_not_allowed(req.method, req.path, "POST");
    return run_route(req, ctx, t);
  }
  if (sub == "runs") {
    if (!get) return method_not_allowed(req.method, req.path, "GET");
    const auto lock = lock_of(t);
    return json_response(200, json{{"runs", t.store->export_light_json().value("runs", json::array())}});
  }
  if (sub.rfind("runs/", 0) == 0) {
    if (!get) return method_not_allowed(req.method, req.path, "GET");
    const auto id = parse_id(sub.substr(5));
    if (!id) return error_response(400, "bad-query", "run id must be a positive integer", {}, "id");
    const auto lock = lock_of(t);
    Diagnostics ds;
    const auto rec = t.store->run(*id, ds);
    if (!rec) return error_response(404, ds);
    return json_response(200, run_json(*rec, true));
  }
  if (sub == "diff") {
    if (!get) return method_not_allowed(req.method, req.path, "GET");
    const auto qa = req.query.find("a");
    const auto qb = req.query.find("b");
    const auto a = qa == req.query.end() ? std::nullopt : parse_id(qa->second);
    const auto b = qb == req.query.end() ? std::nullopt : parse_id(qb->second);
    if (!a || !b)
      return error_response(400, "bad-query", "diff needs two run ids", "GET /api/review/diff?a=1&b=2", "a, b");
    const auto lock = lock_of(t);
    Diagnostics ds;
    const auto diff = store::diff_stored_runs(*t.store, *a, *b, ds);
    if (!diff) return error_response(ds.has_errors() ? 404 : 422, ds);
    return json_response(200, store::to_json(*diff));
  }
  const bool figure = sub.rfind("figure/", 0) == 0 && sub.size() > 7;
  if (sub == "report" || sub == "xlsx" || sub == "figures" || figure) {
    if (!get) return method_not_allowed(req.method, req.path, "GET");
    Diagnostics ds;
    const auto page = review_report(t, ds);
    if (!page) return error_response(422, ds);
    if (sub == "report") {
      ApiResponse r;
      r.content_type = "text/html; charset=utf-8";
      r.body = page->html;
      return r;
    }
    if (sub == "xlsx") return xlsx_response(*page);
    json names = json::array();
    for (const auto& f : page->figures) names.push_back(f.name);
    if (sub == "figures") return json_response(200, json{{"figures", names}});
    const std::string name = sub.substr(7);
    for (const auto& f : page->figures)
      if (f.name == name) {
        ApiResponse r;
        r.content_type = "image/svg+xml";
        r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + f.svg;
        return r;
      }
    return error_response(404, "no-such-figure", "the report of this review has no figure '" + name + "'",
                          "GET .../figures lists them");
  }
  return not_found(req.path);
}

}  // namespace

ApiResponse default_review_route(const ApiRequest& req, ApiContext& ctx, const std::string& sub) {
  if (ctx.store == nullptr)
    return error_response(404, "no-store", "this server has no review store",
                          "start it with `evident serve --store FILE`, or use /api/reviews");
  Target t;
  t.store = ctx.store;
  t.mutex = ctx.store_mutex;
  return review_sub(req, ctx, t, sub);
}

ApiResponse reviews_route(const ApiRequest& req, ApiContext& ctx, const std::string& rest) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (rest.empty()) {
    if (get) {
      json list = json::array();
      if (ctx.reviews != nullptr)
        for (const std::string& name : ctx.reviews->names()) {
          Diagnostics ds;
          const auto h = ctx.reviews->get(name, ds);
          if (!h) {
            list.push_back(json{{"name", name}, {"diagnostics", to_json(ds)}});
            continue;
          }
          Target t{h->store.get(), &h->mutex, h, name};
          const auto lock = lock_of(t);
          const json s = summary_json(t);
          list.push_back(json{{"name", name},
                              {"title", s["review"].value("title", "")},
                              {"path", s["path"]},
                              {"studies", s["studies"].size()},
                              {"runs", s["runs"]}});
        }
      return json_response(200, json{{"reviews", list}, {"can_create", ctx.reviews != nullptr && ctx.reviews->can_create()}});
    }
    if (req.method != "POST") return method_not_allowed(req.method, req.path, "GET, POST");
    ApiResponse error;
    const auto body = parse_object(req, ctx, error);
    if (!body) return error;
    const auto str = [&](const char* key) {
      const auto it = body->find(key);
      return it != body->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string name = str("name");
    std::string title = str("title");
    if (title.empty()) title = name;
    json question = body->contains("question") ? (*body)["question"] : json::object();
    if (!question.is_object())
      return error_response(422, "invalid-option", "\"question\" must be an object (PICO)", {}, "question");
    if (ctx.reviews == nullptr)
      return error_response(404, "no-reviews-dir", "this server has no folder for new reviews",
                            "start it with `evident serve --reviews DIR`");
    Diagnostics ds;
    const auto h = ctx.reviews->create(name, title, question, ds);
    if (!h) {
      int status = 422;
      for (const Diagnostic& d : ds.items()) {
        if (d.code == "bad-name") status = 400;
        if (d.code == "store-exists") status = 409;
      }
      return error_response(status, ds);
    }
    Target t{h->store.get(), &h->mutex, h, name};
    const auto lock = lock_of(t);
    return json_response(201, summary_json(t));
  }
  const auto slash = rest.find('/');
  const std::string name = rest.substr(0, slash);
  const std::string sub = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
  if (ctx.reviews == nullptr)
    return error_response(404, "not-found", "no review named '" + name + "'", "GET /api/reviews lists the reviews");
  Diagnostics ds;
  const auto h = ctx.reviews->get(name, ds);
  if (!h) {
    int status = 404;
    for (const Diagnostic& d : ds.items())
      if (d.code == "bad-name") status = 400;
    return error_response(status, ds);
  }
  return review_sub(req, ctx, Target{h->store.get(), &h->mutex, h, name}, sub);
}

ApiResponse job_route(const ApiRequest&, const ApiContext& ctx, const std::string& id) {
  const auto s = ctx.jobs != nullptr ? ctx.jobs->status(id) : std::nullopt;
  if (!s) return error_response(404, "not-found", "no job '" + id + "'", "jobs are kept until 64 newer ones finish");
  return json_response(200, *s);
}

}  // namespace evident::server::detail
