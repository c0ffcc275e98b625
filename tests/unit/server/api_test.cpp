// The HTTP API as a function (evident/server/api.hpp): routes, statuses and that /api/analyse answers exactly what
// `evident batch` answers (process_batch_line(), itself checked against metafor and netmeta in the pairwise and
// network tests), so no numbers are hard-coded here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "evident/core/version.hpp"
#include "evident/data/read.hpp"
#include "evident/network/request.hpp"
#include "evident/server/api.hpp"
#include "evident/server/jobs.hpp"
#include "evident/server/reviews.hpp"
#include "evident/store/review_run.hpp"
#include "evident/store/review_store.hpp"
#include "evident_test.hpp"
#include "temp_dir.hpp"

namespace evident::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

ApiResponse call(ApiContext& ctx, const std::string& method, const std::string& path, const std::string& body = {},
                 std::map<std::string, std::string> query = {}) {
  ApiRequest r;
  r.method = method;
  r.path = path;
  r.body = body;
  r.query = std::move(query);
  r.content_type = "application/json";
  return handle(r, ctx);
}

std::string first_code(const ApiResponse& r) {
  const json j = json::parse(r.body);
  if (!j.contains("diagnostics") || j["diagnostics"].empty()) return "";
  for (const auto& d : j["diagnostics"])
    if (d.value("severity", "") == "error") return d.value("code", "");
  return "";
}

std::string senn_request(const std::string& analysis) {
  return json{{"id", "senn"}, {"analysis", analysis}, {"csv", test::slurp(test::data_path("Senn2013.csv"))}}.dump();
}

/// A temporary folder removed at the end of the test.
class TempDir : public test::TempDir {
 public:
  explicit TempDir(const std::string& name) : test::TempDir("api-test", name) {}
};

TEST(Api, Health) {
  ApiContext ctx;
  const ApiResponse r = call(ctx, "GET", "/api/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  const json j = json::parse(r.body);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["version"], kVersion);
  const ApiResponse post = call(ctx, "POST", "/api/health");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.allow, "GET");
}

TEST(Api, AnalyseNmaIsTheBatchRecord) {
  ApiContext ctx;
  const std::string body = senn_request("nma");
  const ApiResponse r = call(ctx, "POST", "/api/analyse", body);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  EXPECT_EQ(r.body, process_batch_line(body, 1, "request").json);
  const json j = json::parse(r.body);
  EXPECT_EQ(j["id"], "senn");
  EXPECT_TRUE(j["ok"].get<bool>());
  ASSERT_EQ(j["analyses"].size(), 1u);
}

TEST(Api, AnalyseMetaIsTheBatchRecord) {
  ApiContext ctx;
  // Effect sizes given directly: four studies of dat.bcg's first rows as log risk ratios would need metafor values;
  // equality with the batch record is what is checked here.
  const std::string body = R"({"id": 7, "yi": [-0.9, -1.6, -1.4, -1.5], "vi": [0.36, 0.2, 0.4, 0.02],
    "options": {"method_tau": "DL"}})";
  const ApiResponse r = call(ctx, "POST", "/api/analyse", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, process_batch_line(body, 1, "request").json);
}

TEST(Api, AnalyseDataErrorsAre422WithDiagnostics) {
  ApiContext ctx;
  const std::string body = R"({"csv": "study,treatment,n,mean,sd\nA,x,10,1,-2\nA,y,10,2,1\n"})";
  const ApiResponse r = call(ctx, "POST", "/api/analyse", body);
  EXPECT_EQ(r.status, 422);
  const json j = json::parse(r.body);
  EXPECT_FALSE(j["ok"].get<bool>());
  ASSERT_FALSE(j["diagnostics"].empty());
  EXPECT_EQ(r.body, process_batch_line(body, 1, "request").json);
  // An unknown option is an error of the request too.
  const ApiResponse bad = call(ctx, "POST", "/api/analyse", R"({"yi": [1, 2], "vi": [1, 1], "options": {"nope": 1}})");
  EXPECT_EQ(bad.status, 422);
}

TEST(Api, MalformedJsonIs400) {
  ApiContext ctx;
  for (const std::string body : {"{", "", "[1, 2]", "\"text\"", "{\"a\": 1e999999}", "nul"}) {
    const ApiResponse r = call(ctx, "POST", "/api/analyse", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(first_code(r), "malformed-json") << body;
  }
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const ApiResponse r = call(ctx, "POST", "/api/analyse", deep);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(call(ctx, "GET", "/api/analyse").status, 405);
}

TEST(Api, OversizedBodyIs413) {
  ApiContext ctx;
  ctx.max_body_bytes = 1000;
  const ApiResponse r = call(ctx, "POST", "/api/analyse", std::string(1001, ' '));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(first_code(r), "body-too-large");
  EXPECT_EQ(call(ctx, "POST", "/api/analyse", std::string(1000, ' ')).status, 400);  // at the limit: read, then 400
}

TEST(Api, NsimOverTheLimitIs422) {
  ApiContext ctx;
  ctx.max_nsim = 10;
  json req = json::parse(senn_request("nma"));
  req["options"] = {{"nsim", 11}};
  const ApiResponse r = call(ctx, "POST", "/api/analyse", req.dump());
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(first_code(r), "limit-exceeded");
}

TEST(Api, UnknownRouteIs404) {
  ApiContext ctx;
  for (const char* p : {"/nope", "/api", "/api/", "/api/healthz", "/api/figure/"}) {
    const ApiResponse r = call(ctx, "GET", p);
    EXPECT_EQ(r.status, 404) << p;
    EXPECT_EQ(first_code(r), "not-found") << p;
  }
  EXPECT_EQ(call(ctx, "GET", "/api/review").status, 404);  // no store
  EXPECT_EQ(first_code(call(ctx, "GET", "/api/review")), "no-store");
}

TEST(Api, ReportAndFigure) {
  ApiContext ctx;
  const std::string body = json{
      {"csv", test::slurp(test::data_path("Senn2013.csv"))},
      {"options", {{"reference", "plac"}, {"nsim", 100}}},
      {"title", "Senn 2013"}}.dump();
  const ApiResponse r = call(ctx, "POST", "/api/report", body);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 1000);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<html"), std::string::npos);
  EXPECT_NE(r.body.find("Senn 2013"), std::string::npos);
  EXPECT_NE(r.body.find("id=\"network\""), std::string::npos);

  const ApiResponse fig = call(ctx, "POST", "/api/figure/network-graph", body);
  ASSERT_EQ(fig.status, 200) << fig.body.substr(0, 1000);
  EXPECT_EQ(fig.content_type, "image/svg+xml");
  EXPECT_NE(fig.body.find("<svg"), std::string::npos);
  const ApiResponse none = call(ctx, "POST", "/api/figure/no-such-figure", body);
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(first_code(none), "no-such-figure");

  // Option errors are 422 and name the option.
  const ApiResponse bad = call(ctx, "POST", "/api/report",
                               json{{"csv", "a,b\n1,2\n"}, {"options", {{"measure", "XYZ"}, {"hk", 3}}}}.dump());
  EXPECT_EQ(bad.status, 422);
  const ApiResponse effects = call(ctx, "POST", "/api/report", R"({"yi": [1, 2], "vi": [1, 1]})");
  EXPECT_EQ(effects.status, 422);
}

TEST(Api, StaticPathNormalisation) {
  EXPECT_EQ(normalise_static_path(""), "index.html");
  EXPECT_EQ(normalise_static_path("app.js"), "app.js");
  EXPECT_EQ(normalise_static_path("css/site.css"), "css/site.css");
  for (const char* bad : {"..", "../etc/passwd", "../../etc/passwd", "a/../../b", "a/./b", "/etc/passwd", "a//b",
                          ".env", "a\\..\\b", "C:/Windows", "a/", "a\nb"})
    EXPECT_FALSE(normalise_static_path(bad).has_value()) << bad;
  EXPECT_EQ(media_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(media_type("x.SVG"), "image/svg+xml");
  EXPECT_EQ(media_type("x"), "application/octet-stream");
}

TEST(Api, StaticFiles) {
  TempDir tmp("static");
  const fs::path root = tmp.path() / "www";
  fs::create_directories(root / "css");
  std::ofstream(root / "index.html") << "<p>hi</p>";
  std::ofstream(root / "css" / "site.css") << "p{}";
  std::ofstream(tmp.path() / "secret.txt") << "TOP-SECRET-CONTENT";
  fs::create_symlink(tmp.path() / "secret.txt", root / "link.txt");

  ApiContext none;  // no directory: nothing is served
  EXPECT_EQ(call(none, "GET", "/").status, 404);
  EXPECT_EQ(call(none, "GET", "/static/index.html").status, 404);

  ApiContext ctx;
  ctx.static_dir = root.string();
  const ApiResponse index = call(ctx, "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<p>hi</p>");
  const ApiResponse css = call(ctx, "GET", "/static/css/site.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(call(ctx, "GET", "/static/missing.js").status, 404);
  EXPECT_EQ(call(ctx, "GET", "/static/css").status, 404);  // a directory
  for (const char* p :
       {"/static/../secret.txt", "/static/../../etc/passwd", "/static//etc/passwd", "/static/css/../../secret.txt"}) {
    const ApiResponse r = call(ctx, "GET", p);
    EXPECT_EQ(r.status, 400) << p;
    EXPECT_EQ(r.body.find("TOP-SECRET-CONTENT"), std::string::npos) << p;
  }
  const ApiResponse link = call(ctx, "GET", "/static/link.txt");  // a link out of the folder
  EXPECT_EQ(link.status, 404);
  EXPECT_EQ(link.body.find("TOP-SECRET-CONTENT"), std::string::npos);
  EXPECT_EQ(call(ctx, "POST", "/static/index.html").status, 405);
}

TEST(Api, ReviewStoreRoutes) {
  TempDir tmp("store");
  store::OpenResult o = store::create_review((tmp.path() / "r.evident").string(), "Diabetes review");
  ASSERT_TRUE(o.store);
  ReadResult read = read_file(test::data_path("Senn2013.csv"));
  ASSERT_TRUE(read.ok());
  ASSERT_FALSE(o.store->add_studies(read.dataset, "t0", "imported").has_errors());

  std::mutex m;
  ApiContext ctx;
  ctx.store = o.store.get();
  ctx.store_mutex = &m;
  int tick = 0;
  ctx.clock = [&tick] { return std::string("t").append(std::to_string(++tick)); };

  const json summary = json::parse(call(ctx, "GET", "/api/review").body);
  EXPECT_EQ(summary["studies"].size(), read.dataset.studies.size());
  EXPECT_EQ(summary["runs"], 0);

  EXPECT_EQ(call(ctx, "GET", "/api/review/run").status, 405);
  const ApiResponse r1 = call(ctx, "POST", "/api/review/run");
  ASSERT_EQ(r1.status, 200) << r1.body.substr(0, 500);
  const json run1 = json::parse(r1.body);
  EXPECT_EQ(run1["id"], 1);
  EXPECT_EQ(run1["time"], "t1");
  ASSERT_EQ(call(ctx, "POST", "/api/review/run").status, 200);

  const json runs = json::parse(call(ctx, "GET", "/api/review/runs").body);
  ASSERT_EQ(runs["runs"].size(), 2u);
  EXPECT_FALSE(runs["runs"][0].contains("results"));
  const ApiResponse one = call(ctx, "GET", "/api/review/runs/1");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(json::parse(one.body)["results"], run1["results"]);
  EXPECT_EQ(call(ctx, "GET", "/api/review/runs/9").status, 404);
  EXPECT_EQ(call(ctx, "GET", "/api/review/runs/x").status, 400);

  const ApiResponse diff = call(ctx, "GET", "/api/review/diff", {}, {{"a", "1"}, {"b", "2"}});
  ASSERT_EQ(diff.status, 200) << diff.body;
  const json d = json::parse(diff.body);
  EXPECT_FALSE(d.value("inputs_changed", true));
  EXPECT_EQ(call(ctx, "GET", "/api/review/diff", {}, {{"a", "1"}}).status, 400);
  EXPECT_EQ(call(ctx, "GET", "/api/review/diff", {}, {{"a", "1"}, {"b", "5"}}).status, 404);
}

// ---- the web app's routes: reviews, uploads, settings, asynchronous runs, downloads ----

/// A context with a reviews folder and a job registry, as `evident serve --reviews DIR` has.
struct ReviewsServer {
  explicit ReviewsServer(const fs::path& dir) : reviews((dir / "reviews").string()) {
    ctx.reviews = &reviews;
    ctx.jobs = &jobs;
    ctx.clock = [this] { return std::string("t").append(std::to_string(++tick)); };
  }
  ReviewRegistry reviews;
  JobRegistry jobs{2};
  ApiContext ctx;
  int tick = 0;
};

std::string upload(const std::string& file, const std::string& action, const json& options = json::object()) {
  return json{{"csv", test::slurp(test::data_path(file))}, {"filename", file}, {"action", action}, {"options", options}}
      .dump();
}

TEST(ApiReviews, CreateListAndErrors) {
  TempDir tmp("reviews");
  ReviewsServer s(tmp.path());
  EXPECT_EQ(json::parse(call(s.ctx, "GET", "/api/reviews").body)["reviews"].size(), 0u);
  const ApiResponse made = call(s.ctx, "POST", "/api/reviews",
                                json{{"name", "senn"}, {"title", "Diabetes"}, {"question", {{"population", "T2D"}}}}.dump());
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(json::parse(made.body)["review"]["question"]["population"], "T2D");
  EXPECT_TRUE(fs::exists(tmp.path() / "reviews" / "senn.evident"));
  EXPECT_EQ(call(s.ctx, "POST", "/api/reviews", json{{"name", "senn"}}.dump()).status, 409);
  EXPECT_EQ(first_code(call(s.ctx, "POST", "/api/reviews", json{{"name", "../etc"}}.dump())), "bad-name");
  EXPECT_EQ(call(s.ctx, "POST", "/api/reviews", json{{"name", "a b"}}.dump()).status, 400);
  EXPECT_EQ(call(s.ctx, "GET", "/api/reviews/..").status, 400);
  EXPECT_EQ(call(s.ctx, "GET", "/api/reviews/missing").status, 404);
  EXPECT_EQ(call(s.ctx, "DELETE", "/api/reviews").status, 405);
  const json list = json::parse(call(s.ctx, "GET", "/api/reviews").body);
  ASSERT_EQ(list["reviews"].size(), 1u);
  EXPECT_EQ(list["reviews"][0]["title"], "Diabetes");
  EXPECT_TRUE(list["can_create"].get<bool>());

  // A second registry on the same folder (a restarted server) finds the review on disk.
  ReviewRegistry again((tmp.path() / "reviews").string());
  EXPECT_EQ(again.names(), std::vector<std::string>{"senn"});
}

TEST(ApiReviews, ColumnsAndDryRunRead) {
  ApiContext ctx;
  const ApiResponse cols = call(ctx, "POST", "/api/columns",
                                json{{"csv", test::slurp(test::data_path("Senn2013.csv"))}, {"filename", "Senn2013.csv"}}.dump());
  ASSERT_EQ(cols.status, 200) << cols.body;
  const json c = json::parse(cols.body);
  ASSERT_EQ(c["columns"].size(), 7u);
  EXPECT_EQ(c["columns"][0]["field"], "TE");
  EXPECT_TRUE(c["columns"][2]["field"].is_null());  // treat1.long: not a field the reader knows
  EXPECT_EQ(c["columns"][4]["field"], "treatment");
  EXPECT_EQ(c["columns"][4]["arm"], 1);
  EXPECT_EQ(c["rows"].size(), 10u);
  EXPECT_EQ(c["data_rows"], 28);

  const ApiResponse ok = call(ctx, "POST", "/api/read", upload("Senn2013.csv", "imported"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  const json r = json::parse(ok.body);
  EXPECT_EQ(r["studies"], 26);
  EXPECT_EQ(r["treatments"].size(), 10u);
  // A mapping that makes no sense gives the reader's own diagnostics, with the file name, as 422.
  const ApiResponse bad =
      call(ctx, "POST", "/api/read", upload("Senn2013.csv", "imported", {{"map", {"seTE=n"}}}));
  EXPECT_EQ(bad.status, 422);
  const json b = json::parse(bad.body);
  EXPECT_FALSE(b["ok"].get<bool>());
  EXPECT_NE(b["diagnostics"].dump().find("Senn2013.csv"), std::string::npos);
  EXPECT_EQ(call(ctx, "POST", "/api/read", json{{"filename", "x.csv"}}.dump()).status, 422);
  // The outcome is named after the file, as the CLI names it.
  EXPECT_EQ(r["outcomes"][0]["name"], "Senn2013");
  // Any format evident reads, detected from the name and the text (the "csv" key does not force CSV).
  // The file is ISO-8859-1; a browser sends it as UTF-8 text (JSON strings are UTF-8) with the declaration changed.
  std::string latin1 = test::slurp(test::data_path("revman/constructed_review.rm5")), utf8;
  for (const char byte : latin1) {
    const auto u = static_cast<unsigned char>(byte);
    if (u < 0x80) {
      utf8 += byte;
    } else {
      utf8 += static_cast<char>(0xC0 | (u >> 6));
      utf8 += static_cast<char>(0x80 | (u & 0x3F));
    }
  }
  utf8.replace(utf8.find("ISO-8859-1"), 10, "UTF-8");
  const ApiResponse rm5 = call(ctx, "POST", "/api/read",
                               json{{"csv", utf8}, {"filename", "constructed_review.rm5"}, {"action", "imported"}}.dump());
  ASSERT_EQ(rm5.status, 200) << rm5.body.substr(0, 400);
  const ReadResult direct = read_file(test::data_path("revman/constructed_review.rm5"));
  EXPECT_EQ(json::parse(rm5.body)["studies"], direct.dataset.studies.size());
  EXPECT_EQ(json::parse(rm5.body)["format"], direct.dataset.format);
  EXPECT_EQ(call(ctx, "POST", "/api/read", upload("Senn2013.csv", "imported", {{"map", 3}})).status, 422);
}

TEST(ApiReviews, ImportSettingsRunAsyncDiffAndDownloads) {
  TempDir tmp("flow");
  ReviewsServer s(tmp.path());
  ASSERT_EQ(call(s.ctx, "POST", "/api/reviews", json{{"name", "senn"}}.dump()).status, 201);
  const ApiResponse imported = call(s.ctx, "POST", "/api/reviews/senn/studies", upload("Senn2013.csv", "imported"));
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(json::parse(imported.body)["added"].size(), 26u);
  // The same studies again: every label exists, nothing is added.
  EXPECT_EQ(first_code(call(s.ctx, "POST", "/api/reviews/senn/studies", upload("Senn2013.csv", "added"))),
            "store-study-exists");
  // Binary arm data under the review's (contrast-level) outcome name is refused before it is stored.
  EXPECT_EQ(first_code(call(s.ctx, "POST", "/api/reviews/senn/studies",
                            upload("smokingcessation.csv", "added", {{"outcome_name", "Senn2013"}}))),
            "outcome-type-mismatch");

  // Settings: a merge patch, checked as `evident nma` checks them.
  const ApiResponse set = call(s.ctx, "PUT", "/api/reviews/senn/settings", json{{"network", {{"reference", "plac"}}}}.dump());
  ASSERT_EQ(set.status, 200) << set.body;
  const json settings = json::parse(set.body)["settings"];
  EXPECT_EQ(settings["network"]["reference"], "plac");
  EXPECT_EQ(settings["network"]["method_tau"], "DL");  // kept
  EXPECT_EQ(call(s.ctx, "PUT", "/api/reviews/senn/settings", json{{"network", {{"method_tau", "XX"}}}}.dump()).status,
            422);
  EXPECT_EQ(first_code(call(s.ctx, "PUT", "/api/reviews/senn/settings", json{{"network", {{"nsim", 1e9}}}}.dump())),
            "limit-exceeded");

  // An asynchronous run: 202 and a job whose result is the stored run.
  const ApiResponse started = call(s.ctx, "POST", "/api/reviews/senn/run", json{{"async", true}}.dump());
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string job = json::parse(started.body)["job"];
  ASSERT_TRUE(s.jobs.wait(job));
  const json status = json::parse(call(s.ctx, "GET", "/api/jobs/" + job).body);
  ASSERT_EQ(status["state"], "done") << status.dump().substr(0, 500);
  EXPECT_EQ(status["progress"], 1.0);
  const json run1 = status["result"];
  EXPECT_EQ(run1["id"], 1);
  EXPECT_EQ(run1["results"]["outcomes"][0]["reference"], "plac");
  EXPECT_EQ(json::parse(call(s.ctx, "GET", "/api/reviews/senn/runs/1").body)["results"], run1["results"]);
  EXPECT_EQ(call(s.ctx, "GET", "/api/jobs/999").status, 404);

  // Add a study to the same outcome, run again (synchronously), and the diff names it and shows moved estimates.
  const std::string extra =
      "TE,seTE,treat1,treat2,studlab\n-1.2,0.2,metf,plac,NewTrial2026\n";
  const json add_body{
      {"csv", extra}, {"filename", "new.csv"}, {"action", "added"}, {"options", {{"outcome_name", "Senn2013"}}}};
  const ApiResponse added = call(s.ctx, "POST", "/api/reviews/senn/studies", add_body.dump());
  ASSERT_EQ(added.status, 200) << added.body;
  ASSERT_EQ(call(s.ctx, "POST", "/api/reviews/senn/run").status, 200);
  const ApiResponse diff = call(s.ctx, "GET", "/api/reviews/senn/diff", {}, {{"a", "1"}, {"b", "2"}});
  ASSERT_EQ(diff.status, 200) << diff.body;
  const json d = json::parse(diff.body);
  EXPECT_TRUE(d["inputs_changed"].get<bool>());
  EXPECT_NE(d["changes"].dump().find("NewTrial2026"), std::string::npos);
  ASSERT_EQ(d["outcomes"].size(), 1u);
  EXPECT_FALSE(d["outcomes"][0]["estimates"].empty());

  // Downloads: the report, its figures and the workbook of the current data.
  const ApiResponse report = call(s.ctx, "GET", "/api/reviews/senn/report");
  ASSERT_EQ(report.status, 200) << report.body.substr(0, 300);
  EXPECT_EQ(report.content_type.rfind("text/html", 0), 0u);
  EXPECT_NE(report.body.find("NewTrial2026"), std::string::npos);
  const json figures = json::parse(call(s.ctx, "GET", "/api/reviews/senn/figures").body)["figures"];
  ASSERT_FALSE(figures.empty());
  const ApiResponse svg = call(s.ctx, "GET", "/api/reviews/senn/figure/" + figures[0].get<std::string>());
  EXPECT_EQ(svg.content_type, "image/svg+xml");
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  EXPECT_EQ(call(s.ctx, "GET", "/api/reviews/senn/figure/none").status, 404);
  const ApiResponse xlsx = call(s.ctx, "GET", "/api/reviews/senn/xlsx");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");  // a ZIP container
}

TEST(ApiReviews, EditStudiesTreatmentClassesAndExport) {
  TempDir tmp("edit");
  ReviewsServer s(tmp.path());
  ASSERT_EQ(call(s.ctx, "POST", "/api/reviews", json{{"name", "senn"}}.dump()).status, 201);
  ASSERT_EQ(call(s.ctx, "POST", "/api/reviews/senn/studies", upload("Senn2013.csv", "imported")).status, 200);

  // PATCH: the fields of `review edit --set`; a judgement that is not one is 422 and names the field.
  const ApiResponse set = call(s.ctx, "PATCH", "/api/reviews/senn/studies/Lewin2007",
                               json{{"rob", "high"}, {"year", 2007}, {"covariate.dose", "10"}}.dump());
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(json::parse(set.body)["applied"].size(), 3u);
  EXPECT_EQ(call(s.ctx, "PATCH", "/api/reviews/senn/studies/Lewin2007", json{{"rob", "terrible"}}.dump()).status, 422);
  EXPECT_EQ(call(s.ctx, "PATCH", "/api/reviews/senn/studies/Nobody1999", json{{"rob", "low"}}.dump()).status, 422);
  EXPECT_EQ(call(s.ctx, "GET", "/api/reviews/senn/studies/Lewin2007").status, 405);

  // PUT: replace a study's data by that of the same label in an upload.
  const std::string replacement = "TE,seTE,treat1,treat2,studlab\n-0.5,0.1,metf,plac,Lewin2007\n";
  const ApiResponse put = call(s.ctx, "PUT", "/api/reviews/senn/studies/Lewin2007",
                               json{{"csv", replacement}, {"filename", "Senn2013.csv"}}.dump());
  ASSERT_EQ(put.status, 200) << put.body;

  ASSERT_EQ(call(s.ctx, "PUT", "/api/reviews/senn/treatments/metf", json{{"class", "biguanide"}}.dump()).status, 200);
  EXPECT_EQ(first_code(call(s.ctx, "PUT", "/api/reviews/senn/treatments/none", json{{"class", "x"}}.dump())),
            "store-no-treatment");
  EXPECT_EQ(call(s.ctx, "PUT", "/api/reviews/senn/treatments/metf", json{{"colour", "x"}}.dump()).status, 422);

  // The export holds every change, as `evident review export` writes it.
  const ApiResponse exported = call(s.ctx, "GET", "/api/reviews/senn/export");
  ASSERT_EQ(exported.status, 200);
  const json doc = json::parse(exported.body);
  Diagnostics ds;
  const auto h = s.reviews.get("senn", ds);
  ASSERT_TRUE(h);
  EXPECT_EQ(doc, h->store->export_json());
  bool classed = false;
  for (const auto& t : doc["treatments"]) classed = classed || (t["name"] == "metf" && t["class"] == "biguanide");
  EXPECT_TRUE(classed);
  std::string log = doc["change_log"].dump();
  EXPECT_NE(log.find("rob = high"), std::string::npos) << log.substr(0, 600);
  EXPECT_EQ(json::parse(call(s.ctx, "GET", "/api/reviews/senn").body)["treatments"].size(), 10u);
  // The studies route: the export's study and treatment rows, without the data and runs.
  const json studies = json::parse(call(s.ctx, "GET", "/api/reviews/senn/studies").body);
  EXPECT_EQ(studies["studies"], doc["studies"]);
  EXPECT_EQ(studies["treatments"], doc["treatments"]);
}

TEST(ApiReviews, EmptyReviewHasNoReportAndRunFails) {
  TempDir tmp("empty");
  ReviewsServer s(tmp.path());
  ASSERT_EQ(call(s.ctx, "POST", "/api/reviews", json{{"name", "e"}}.dump()).status, 201);
  EXPECT_EQ(first_code(call(s.ctx, "GET", "/api/reviews/e/report")), "no-studies");
  const ApiResponse started = call(s.ctx, "POST", "/api/reviews/e/run", json{{"async", true}}.dump());
  ASSERT_EQ(started.status, 202);
  const std::string job = json::parse(started.body)["job"];
  ASSERT_TRUE(s.jobs.wait(job));
  const json status = json::parse(call(s.ctx, "GET", "/api/jobs/" + job).body);
  EXPECT_EQ(status["state"], "failed");
  EXPECT_EQ(status["status"], 422);
}

TEST(ApiReviews, JobRegistryLimitsAndProgress) {
  JobRegistry jobs(1, 2);
  std::mutex gate;
  gate.lock();
  const auto first = jobs.start([&gate](const JobProgress& progress) {
    progress("half", 0.5);
    progress("back", 0.25);  // never goes back
    std::lock_guard<std::mutex> wait(gate);
    return JobOutcome{200, json{{"x", 1}}};
  });
  ASSERT_TRUE(first);
  EXPECT_FALSE(jobs.start([](const JobProgress&) { return JobOutcome{}; }));  // one at a time
  for (int i = 0; i < 200 && jobs.status(*first)->at("progress") != 0.5; ++i) usleep(1000);
  EXPECT_EQ(jobs.status(*first)->at("progress"), 0.5);
  EXPECT_EQ(jobs.status(*first)->at("state"), "running");
  gate.unlock();
  ASSERT_TRUE(jobs.wait(*first));
  EXPECT_EQ(jobs.status(*first)->at("result")["x"], 1);
  // Only the newest finished jobs are kept.
  for (int i = 0; i < 3; ++i) {
    const auto id = jobs.start([](const JobProgress&) -> JobOutcome { throw std::runtime_error("boom"); });
    ASSERT_TRUE(id);
    ASSERT_TRUE(jobs.wait(*id));
    EXPECT_EQ(jobs.status(*id)->at("state"), "failed");
  }
  EXPECT_FALSE(jobs.status(*first));
}

TEST(ApiReviews, EmbeddedWebAssets) {
  const EmbeddedFiles files = {{"index.html", "<!doctype html><title>evident</title>"},
                               {"assets/app.js", "console.log(1)"}};
  ApiContext ctx;
  ctx.web_assets = &files;
  const ApiResponse index = call(ctx, "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>evident</title>");
  const ApiResponse js = call(ctx, "GET", "/static/assets/app.js");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(call(ctx, "GET", "/static/assets/none.js").status, 404);
  EXPECT_EQ(call(ctx, "GET", "/static/../secret").status, 400);
}

}  // namespace
}  // namespace evident::server
