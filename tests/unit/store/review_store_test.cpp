// Tests of the living-review store (evident issue 7, first part): every operation, the run diff on a constructed
// example, migration from schema version 1, a crash (kill -9) during writes, and bad input.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include "evident/data/json_io.hpp"
#include "evident/data/read.hpp"
#include "evident/store/review_run.hpp"
#include "evident/store/review_store.hpp"
#include "evident_test.hpp"
#include "temp_dir.hpp"

namespace evident::store {
namespace {

namespace fs = std::filesystem;

/// A temporary folder removed at the end of the test.
class TempPath : public test::TempDir {
 public:
  explicit TempPath(const std::string& name) : test::TempDir("store-test", name) {}
};

Dataset read_ok(const std::string& text, const std::string& name = "data.json") {
  ReadResult r = read_text(text, name);
  EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics.items()[0]));
  return r.dataset;
}

bool has_code(const Diagnostics& ds, const std::string& code) {
  for (const auto& d : ds.items())
    if (d.code == code) return true;
  return false;
}

// A three-treatment continuous network in which B versus A is uncertain (CI crosses 0).
const char* const kBase = R"({"evident_dataset": 1,
 "studies": [{"label": "S1", "year": 2001}, {"label": "S2", "year": 2002}, {"label": "S3", "year": 2003}],
 "outcomes": [{"name": "pain", "type": "continuous", "direction": "small_values_desirable", "mid": 0.5, "data": [
   {"study": "S1", "arms": [{"treatment": "A", "n": 20, "mean": 10, "sd": 5}, {"treatment": "B", "n": 20, "mean": 9, "sd": 5}]},
   {"study": "S2", "arms": [{"treatment": "A", "n": 20, "mean": 10, "sd": 5}, {"treatment": "C", "n": 20, "mean": 9.5, "sd": 5}]},
   {"study": "S3", "arms": [{"treatment": "B", "n": 20, "mean": 9, "sd": 5}, {"treatment": "C", "n": 20, "mean": 9.5, "sd": 5}]}]}]})";

// A large study that makes B clearly better than A.
const char* const kBig = R"({"evident_dataset": 1, "studies": [{"label": "Big 2020", "year": 2020}],
 "outcomes": [{"name": "pain", "type": "continuous", "data": [
   {"study": "Big 2020", "arms": [{"treatment": "A", "n": 500, "mean": 10, "sd": 2}, {"treatment": "B", "n": 500, "mean": 8, "sd": 2}]}]}]})";

std::unique_ptr<ReviewStore> make_store(const std::string& path) {
  OpenResult o = create_review(path, "Pain review", nlohmann::json{{"population", "adults"}});
  EXPECT_TRUE(o.store) << (o.diagnostics.empty() ? "" : format_diagnostic(o.diagnostics.items()[0]));
  return std::move(o.store);
}

TEST(ReviewStore, CreateOpenAndSchemaVersion) {
  TempPath tmp("create");
  { auto s = make_store(tmp.file()); }
  OpenResult again = create_review(tmp.file(), "x");
  EXPECT_FALSE(again.store);
  EXPECT_TRUE(has_code(again.diagnostics, "store-exists"));
  OpenResult o = open_review(tmp.file());
  ASSERT_TRUE(o.store);
  EXPECT_EQ(o.store->schema_version(), kSchemaVersion);
  EXPECT_TRUE(o.store->integrity_ok());
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(o.store->handle(), "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
}

TEST(ReviewStore, ImportRebuildsTheSameDataset) {
  TempPath tmp("import");
  auto store = make_store(tmp.file());
  const ReadResult r = read_file(test::data_path("smokingcessation.csv"));
  ASSERT_TRUE(r.ok());
  const Diagnostics ds = store->add_studies(r.dataset, "2026-01-01T00:00:00Z", "imported");
  ASSERT_FALSE(ds.has_errors());
  Diagnostics rd;
  const Dataset back = store->dataset(rd);
  EXPECT_FALSE(rd.has_errors());
  EXPECT_EQ(write_json(back), write_json(r.dataset));
  EXPECT_EQ(store->changes(0, store->last_change()).size(), r.dataset.studies.size());
}

TEST(ReviewStore, AddStudyWithExistingLabelAddsNothing) {
  TempPath tmp("dup");
  auto store = make_store(tmp.file());
  ASSERT_FALSE(store->add_studies(read_ok(kBase), "t1").has_errors());
  const std::int64_t before = store->last_change();
  const Dataset again = read_ok(kBase);
  const Diagnostics ds = store->add_studies(again, "t2");
  EXPECT_TRUE(has_code(ds, "store-study-exists"));
  EXPECT_EQ(ds.error_count(), 3U);
  EXPECT_EQ(store->study_labels().size(), 3U);
  EXPECT_EQ(store->last_change(), before);
  ASSERT_FALSE(store->add_studies(read_ok(kBig), "t3").has_errors());
  EXPECT_EQ(store->study_labels().back(), "Big 2020");
}

TEST(ReviewStore, EditFieldsAndReplaceData) {
  TempPath tmp("edit");
  auto store = make_store(tmp.file());
  ASSERT_FALSE(store->add_studies(read_ok(kBase), "t1").has_errors());
  EXPECT_FALSE(store->set_study_field("S1", "rob", "high", "t2").has_errors());
  EXPECT_FALSE(store->set_study_field("S1", "rob.d3", "some concerns", "t2").has_errors());
  EXPECT_FALSE(store->set_study_field("S1", "year", "1999", "t2").has_errors());
  EXPECT_FALSE(store->set_study_field("S2", "covariate.dose", "10", "t2").has_errors());
  EXPECT_FALSE(store->set_study_field("S2", "indirectness", "low", "t2").has_errors());
  EXPECT_TRUE(has_code(store->set_study_field("S1", "rob", "awful", "t2"), "store-bad-value"));
  EXPECT_TRUE(has_code(store->set_study_field("S1", "colour", "red", "t2"), "store-bad-value"));
  EXPECT_TRUE(has_code(store->set_study_field("S9", "year", "2000", "t2"), "store-no-study"));
  EXPECT_TRUE(has_code(store->set_study_field("S1", "year", "19x9", "t2"), "store-bad-value"));
  EXPECT_FALSE(store->set_treatment_class("B", "active").has_errors());
  EXPECT_TRUE(has_code(store->set_treatment_class("Z", "active"), "store-no-treatment"));

  Diagnostics rd;
  Dataset d = store->dataset(rd);
  ASSERT_FALSE(rd.has_errors());
  const Study& s1 = d.studies[d.find_study("S1")];
  EXPECT_EQ(s1.year, 1999);
  EXPECT_EQ(s1.rob.overall, Judgement::high);
  EXPECT_EQ(s1.rob.domains[2], Judgement::some_concerns);
  const Study& s2 = d.studies[d.find_study("S2")];
  EXPECT_EQ(s2.indirectness, Judgement::low);
  ASSERT_TRUE(s2.covariates.count("dose"));
  EXPECT_EQ(s2.covariates.at("dose").number, 10.0);

  // Replace S3's data with new numbers.
  const Dataset s3 = read_ok(R"({"evident_dataset": 1, "studies": [{"label": "S3", "year": 2004}],
    "outcomes": [{"name": "pain", "type": "continuous", "data": [{"study": "S3", "arms": [
      {"treatment": "B", "n": 30, "mean": 8, "sd": 4}, {"treatment": "C", "n": 30, "mean": 9, "sd": 4}]}]}]})");
  EXPECT_FALSE(store->replace_study(s3, "S3", "t3").has_errors());
  EXPECT_TRUE(has_code(store->replace_study(s3, "S1", "t3"), "store-no-study"));
  d = store->dataset(rd);
  const Outcome* pain = d.find_outcome("pain");
  ASSERT_NE(pain, nullptr);
  ASSERT_EQ(pain->data.size(), 3U);
  EXPECT_EQ(d.studies[pain->data[2].study].label, "S3");
  EXPECT_EQ(pain->data[2].arms[0].n, 30.0);
  EXPECT_EQ(d.studies[d.find_study("S3")].year, 2004);
  const auto changes = store->changes(0, store->last_change());
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back().action, "edited");
  EXPECT_EQ(changes.back().study, "S3");
}

TEST(ReviewStore, DiffNamesTheStudyThatMovesAnEstimateAcrossTheNull) {
  TempPath tmp("diff");
  auto store = make_store(tmp.file());
  ASSERT_FALSE(store->add_studies(read_ok(kBase), "t1", "imported").has_errors());
  ReviewSettings settings;
  settings.network.nsim = 0;
  ASSERT_FALSE(store->set_settings(settings, "t1").has_errors());
  const RunResult r1 = run_review(*store, "2026-01-01", "test");
  ASSERT_TRUE(r1.ok());
  ASSERT_FALSE(store->add_studies(read_ok(kBig), "t2").has_errors());
  const RunResult r2 = run_review(*store, "2026-02-01", "test");
  ASSERT_TRUE(r2.ok());
  EXPECT_NE(r1.record.input_hash, r2.record.input_hash);

  Diagnostics ds;
  const auto diff = diff_stored_runs(*store, r1.id, r2.id, ds);
  ASSERT_TRUE(diff);
  EXPECT_TRUE(diff->inputs_changed);
  EXPECT_FALSE(diff->settings_changed);
  ASSERT_EQ(diff->changes.size(), 1U);
  EXPECT_EQ(diff->changes[0].study, "Big 2020");
  EXPECT_EQ(diff->changes[0].action, "added");
  ASSERT_EQ(diff->outcomes.size(), 1U);
  const OutcomeDiff& o = diff->outcomes[0];
  EXPECT_EQ(o.reference_b, "A");
  const EstimateChange* b = nullptr;
  for (const auto& e : o.estimates)
    if (e.treatment == "B") b = &e;
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->crosses_null_a);
  EXPECT_FALSE(b->crosses_null_b);
  EXPECT_TRUE(b->null_changed());
  const std::string text = render_text(*diff);
  EXPECT_NE(text.find("added study 'Big 2020'"), std::string::npos) << text;
  EXPECT_NE(text.find("CI no longer crosses the null"), std::string::npos) << text;
  EXPECT_TRUE(to_json(*diff)["outcomes"][0]["estimates"].is_array());

  // A run diffed with itself changes nothing.
  const auto same = diff_stored_runs(*store, r2.id, r2.id, ds);
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->inputs_changed);
  EXPECT_TRUE(same->changes.empty());
  for (const auto& e : same->outcomes[0].estimates) EXPECT_FALSE(e.null_changed());
}

TEST(ReviewStore, CinemaRatingChangesAreListed) {
  RunRecord a, b;
  a.results = nlohmann::json::parse(R"({"outcomes": [{"outcome": "o", "cinema": {"B:A": "moderate"}}]})");
  b.results = nlohmann::json::parse(R"({"outcomes": [{"outcome": "o", "cinema": {"B:A": "high"}}]})");
  const RunDiff d = diff_runs(a, b, {});
  ASSERT_EQ(d.outcomes.size(), 1U);
  ASSERT_EQ(d.outcomes[0].ratings.size(), 1U);
  EXPECT_EQ(d.outcomes[0].ratings[0].rating_a, "moderate");
  EXPECT_EQ(d.outcomes[0].ratings[0].rating_b, "high");
}

TEST(ReviewStore, ExportImportExportIsIdentical) {
  TempPath tmp("export");
  auto store = make_store(tmp.file());
  ASSERT_FALSE(store->add_studies(read_ok(kBase), "t1", "imported").has_errors());
  ASSERT_FALSE(store->set_study_field("S1", "rob", "high", "t2").has_errors());
  ReviewSettings settings;
  settings.network.nsim = 0;
  ASSERT_FALSE(store->set_settings(settings, "t2").has_errors());
  ASSERT_TRUE(run_review(*store, "t3", "test").ok());
  const nlohmann::json first = store->export_json();
  auto copy = make_store(tmp.file("copy.evident"));
  const Diagnostics ds = copy->import_json(first);
  ASSERT_FALSE(ds.has_errors()) << format_diagnostic(ds.items()[0]);
  EXPECT_EQ(copy->export_json().dump(1), first.dump(1));
  // A second import into a store with data is refused and changes nothing.
  EXPECT_TRUE(has_code(copy->import_json(first), "store-not-empty"));
  EXPECT_EQ(copy->export_json().dump(1), first.dump(1));
  EXPECT_TRUE(has_code(copy->import_json(nlohmann::json{{"x", 1}}), "store-bad-import"));
  // The light export is the full one without study_data and the runs' results.
  nlohmann::json expected = first;
  expected.erase("study_data");
  for (auto& r : expected["runs"]) r.erase("results");
  EXPECT_EQ(store->export_light_json(), expected);
}

// The version 1 schema, as released (kept here verbatim so that the migration is tested from real v1 files).
const char* const kSchemaV1 =
    "CREATE TABLE review(id INTEGER PRIMARY KEY CHECK (id = 1), title TEXT NOT NULL,"
    " question TEXT NOT NULL DEFAULT '{}');"
    "CREATE TABLE outcomes(id INTEGER PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, direction TEXT,"
    " time_point TEXT NOT NULL DEFAULT '', mid REAL, measure TEXT, UNIQUE(name, time_point));"
    "CREATE TABLE treatments(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, class TEXT);"
    "CREATE TABLE studies(id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE, year INTEGER, rob TEXT,"
    " indirectness TEXT, covariates TEXT NOT NULL DEFAULT '{}');"
    "CREATE TABLE study_data(study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,"
    " outcome_id INTEGER NOT NULL REFERENCES outcomes(id) ON DELETE CASCADE, data TEXT NOT NULL,"
    " PRIMARY KEY(study_id, outcome_id));"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, time TEXT NOT NULL, input_hash TEXT NOT NULL,"
    " settings TEXT NOT NULL, results TEXT NOT NULL);"
    "INSERT INTO review VALUES(1, 'Old review', '{}');"
    "INSERT INTO outcomes VALUES(1, 'pain', 'continuous', NULL, '', NULL, NULL);"
    "INSERT INTO treatments VALUES(1, 'A', NULL), (2, 'B', NULL);"
    "INSERT INTO studies VALUES(1, 'Old 1990', 1990, '{\"overall\":\"low\"}', NULL, '{}');"
    "INSERT INTO study_data VALUES(1, 1, '{\"arms\":[{\"treatment\":\"A\",\"n\":10,\"mean\":5,\"sd\":1},"
    "{\"treatment\":\"B\",\"n\":10,\"mean\":4,\"sd\":1}]}');"
    "INSERT INTO runs VALUES(1, '2020-01-01', '0123456789abcdef', '{}', '{\"outcomes\":[]}');"
    "PRAGMA user_version = 1;";

TEST(ReviewStore, OpensAStoreMadeWithSchemaVersion1) {
  TempPath tmp("v1");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(tmp.file().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, kSchemaV1, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  OpenResult o = open_review(tmp.file());
  ASSERT_TRUE(o.store);
  EXPECT_EQ(o.store->schema_version(), kSchemaVersion);
  Diagnostics ds;
  const Dataset d = o.store->dataset(ds);
  EXPECT_FALSE(ds.has_errors());
  ASSERT_EQ(d.studies.size(), 1U);
  EXPECT_EQ(d.studies[0].label, "Old 1990");
  EXPECT_EQ(d.studies[0].rob.overall, Judgement::low);
  ASSERT_EQ(d.outcomes.size(), 1U);
  ASSERT_EQ(d.outcomes[0].data.size(), 1U);
  EXPECT_EQ(d.outcomes[0].data[0].arms[1].mean, 4.0);
  const auto run = o.store->run(1, ds);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->input_hash, "0123456789abcdef");
  EXPECT_EQ(run->software_version, "");
  // The new tables work after migration.
  EXPECT_FALSE(o.store->set_study_field("Old 1990", "year", "1991", "t").has_errors());
  EXPECT_EQ(o.store->changes(0, o.store->last_change()).size(), 1U);
}

TEST(ReviewStore, KillDuringWritesLosesNoCommittedData) {
  TempPath tmp("crash");
  { auto s = make_store(tmp.file()); }
  const std::string progress = tmp.file("committed.txt");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Child: add studies one transaction at a time, recording each committed label after the commit.
    OpenResult o = open_review(tmp.file());
    if (!o.store) ::_exit(3);
    for (int i = 0; i < 100000; ++i) {
      Dataset d;
      Study s;
      s.label = "study " + std::to_string(i);
      s.year = 2000 + i % 20;
      d.studies.push_back(s);
      if (o.store->add_studies(d, "t").has_errors()) ::_exit(4);
      std::ofstream(progress, std::ios::app) << i << "\n" << std::flush;
    }
    ::_exit(0);
  }
  // Parent: wait until some transactions are committed, then kill -9 the writer.
  for (int tries = 0; tries < 500; ++tries) {
    std::error_code ec;
    if (fs::exists(progress, ec) && fs::file_size(progress, ec) > 200) break;
    ::usleep(10000);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer ended before it was killed";
  int last = -1;
  {
    std::ifstream in(progress);
    for (int i = 0; in >> i;) last = i;
  }
  ASSERT_GE(last, 0);
  OpenResult o = open_review(tmp.file());
  ASSERT_TRUE(o.store);
  EXPECT_TRUE(o.store->integrity_ok());
  const auto labels = o.store->study_labels();
  // Every study whose commit was recorded is there, in order, and at most one more (committed but not recorded).
  ASSERT_GE(labels.size(), static_cast<std::size_t>(last + 1));
  ASSERT_LE(labels.size(), static_cast<std::size_t>(last + 2));
  for (int i = 0; i <= last; ++i) EXPECT_EQ(labels[static_cast<std::size_t>(i)], "study " + std::to_string(i));
  // The store is usable after the crash.
  Dataset d;
  Study s;
  s.label = "after crash";
  d.studies.push_back(s);
  EXPECT_FALSE(o.store->add_studies(d, "t").has_errors());
}

TEST(ReviewStore, BadInputGivesDiagnostics) {
  TempPath tmp("bad");
  // Not a store: a text file.
  const std::string text = tmp.file("notes.txt");
  std::ofstream(text) << "this is not a database, just some text that is long enough to have a header.\n";
  OpenResult o = open_review(text);
  EXPECT_FALSE(o.store);
  EXPECT_TRUE(has_code(o.diagnostics, "store-open"));
  // Missing file.
  o = open_review(tmp.file("missing.evident"));
  EXPECT_FALSE(o.store);
  EXPECT_TRUE(has_code(o.diagnostics, "store-open"));
  // A SQLite database that is not a review.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(tmp.file("other.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  o = open_review(tmp.file("other.db"));
  EXPECT_FALSE(o.store);
  EXPECT_TRUE(has_code(o.diagnostics, "store-not-review"));

  // Locked store: another connection holds the write lock.
  auto store = make_store(tmp.file());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(tmp.file().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  OpenResult quick = ReviewStore::open(tmp.file(), false, StoreOptions{0});
  ASSERT_TRUE(quick.store);
  const Diagnostics locked = quick.store->add_studies(read_ok(kBase), "t");
  EXPECT_TRUE(has_code(locked, "store-locked"));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_FALSE(quick.store->add_studies(read_ok(kBase), "t").has_errors());

  // Unknown run ids and an empty review.
  Diagnostics ds;
  EXPECT_FALSE(diff_stored_runs(*store, 1, 2, ds));
  EXPECT_TRUE(has_code(ds, "store-no-run"));
  auto empty = make_store(tmp.file("empty.evident"));
  const RunResult r = run_review(*empty, "t", "test");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_code(r.diagnostics, "store-nothing-to-run"));
}

TEST(ReviewStore, Fnv1aKnownValues) {
  // FNV-1a 64-bit test vectors from the reference page (Fowler, Noll, Vo: http://www.isthe.com/chongo/tech/comp/fnv/).
  EXPECT_EQ(fnv1a64_hex(""), "cbf29ce484222325");
  EXPECT_EQ(fnv1a64_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(fnv1a64_hex("foobar"), "85944171f73967e8");
}

}  // namespace
}  // namespace evident::store
