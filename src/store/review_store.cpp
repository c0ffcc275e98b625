// evident: the living-review store over SQLite's C API (see evident/store/review_store.hpp).
#include "evident/store/review_store.hpp"

#include <sqlite3.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include "evident/certainty/network_certainty.hpp"
#include "evident/data/json_io.hpp"
#include "evident/data/read.hpp"

namespace evident::store {

namespace {

using nlohmann::json;

// ---- schema: one step per version; step i takes the schema from version i to i + 1 ----

const char* const kMigrations[] = {
    // 0 -> 1
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
    " settings TEXT NOT NULL, results TEXT NOT NULL);",
    // 1 -> 2: software version and change log
    "ALTER TABLE runs ADD COLUMN software_version TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE runs ADD COLUMN last_change INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE change_log(id INTEGER PRIMARY KEY, time TEXT NOT NULL, action TEXT NOT NULL,"
    " study TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '');",
};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration step per schema version");

/// Export layout: table, ORDER BY, columns holding JSON text.
struct TableSpec {
  const char* name;
  const char* order;
  std::set<std::string> json_columns;
};
const std::vector<TableSpec>& tables() {
  static const std::vector<TableSpec> t = {
      {"review", "id", {"question"}},
      {"outcomes", "id", {}},
      {"treatments", "id", {}},
      {"studies", "id", {"rob", "covariates"}},
      {"study_data", "study_id, outcome_id", {"data"}},
      {"settings", "key", {"value"}},
      {"runs", "id", {"settings", "results"}},
      {"change_log", "id", {}},
  };
  return t;
}

SourceLocation where(const std::string& path) {
  return SourceLocation{path, 0, 0};
}

/// A prepared statement (RAII).
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) s_ = nullptr;
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  [[nodiscard]] bool ok() const { return s_ != nullptr; }
  Stmt& bind(int i, const std::string& v) {
    if (s_) sqlite3_bind_text(s_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    if (s_) sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& bind(int i, double v) {
    if (s_) sqlite3_bind_double(s_, i, v);
    return *this;
  }
  Stmt& bind_null(int i) {
    if (s_) sqlite3_bind_null(s_, i);
    return *this;
  }
  template <class T>
  Stmt& bind_opt(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return s_ ? sqlite3_step(s_) : SQLITE_ERROR; }
  /// Runs to completion; true on success.
  bool run() { return step() == SQLITE_DONE; }
  [[nodiscard]] bool is_null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  [[nodiscard]] std::string text(int c) const {
    const auto* p = sqlite3_column_text(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
             : std::string();
  }
  [[nodiscard]] std::int64_t integer(int c) const { return sqlite3_column_int64(s_, c); }
  [[nodiscard]] double real(int c) const { return sqlite3_column_double(s_, c); }
  [[nodiscard]] int columns() const { return sqlite3_column_count(s_); }
  [[nodiscard]] int type(int c) const { return sqlite3_column_type(s_, c); }
  [[nodiscard]] std::string name(int c) const { return sqlite3_column_name(s_, c); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

bool exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

/// The error of the last call on `db` as a diagnostic; a busy or locked store is "store-locked".
Diagnostic& db_error(Diagnostics& ds, sqlite3* db, const std::string& path, const std::string& what) {
  const int code = sqlite3_errcode(db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    return ds.error("store-locked", where(path), "the review store is locked by another process (" + what + ")",
                    "wait until the other process has finished and try again");
  if (code == SQLITE_NOTADB)
    return ds.error("store-open", where(path), "not a review store (the file is not a SQLite database)",
                    "give a file made by 'evident review init'");
  return ds.error("store-sql", where(path), what + ": " + sqlite3_errmsg(db));
}

/// BEGIN IMMEDIATE ... COMMIT; rolled back on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { begun_ = exec(db, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (begun_ && !done_) exec(db_, "ROLLBACK");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  [[nodiscard]] bool begun() const { return begun_; }
  bool commit() {
    done_ = exec(db_, "COMMIT");
    return done_;
  }

 private:
  sqlite3* db_;
  bool begun_ = false, done_ = false;
};

std::optional<std::int64_t> lookup_id(sqlite3* db, const char* sql, const std::string& key) {
  Stmt s(db, sql);
  s.bind(1, key);
  if (s.step() == SQLITE_ROW) return s.integer(0);
  return std::nullopt;
}

int user_version(sqlite3* db) {
  Stmt s(db, "PRAGMA user_version");
  return s.step() == SQLITE_ROW ? static_cast<int>(s.integer(0)) : -1;
}

std::optional<std::string> json_text(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

/// Outcome id for (name, time point), created from the outcome's definition when new.
std::optional<std::int64_t> outcome_id(sqlite3* db, const Outcome& o) {
  const std::string tp = o.time_point.value_or("");
  {
    Stmt s(db, "SELECT id FROM outcomes WHERE name = ?1 AND time_point = ?2");
    s.bind(1, o.name).bind(2, tp);
    if (s.step() == SQLITE_ROW) return s.integer(0);
  }
  Stmt ins(db, "INSERT INTO outcomes(name, type, direction, time_point, mid, measure) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  ins.bind(1, o.name).bind(2, std::string(to_string(o.type)));
  if (o.direction != Direction::unspecified)
    ins.bind(3, std::string(to_string(o.direction)));
  else
    ins.bind_null(3);
  ins.bind(4, tp).bind_opt(5, o.mid).bind_opt(6, o.measure);
  if (!ins.run()) return std::nullopt;
  return sqlite3_last_insert_rowid(db);
}

bool add_treatment(sqlite3* db, const std::string& name) {
  Stmt s(db, "INSERT OR IGNORE INTO treatments(name) VALUES(?1)");
  s.bind(1, name);
  return s.run();
}

bool log_change(sqlite3* db, const std::string& time, const std::string& action, const std::string& study,
                const std::string& detail) {
  Stmt s(db, "INSERT INTO change_log(time, action, study, detail) VALUES(?1, ?2, ?3, ?4)");
  s.bind(1, time).bind(2, action).bind(3, study).bind(4, detail);
  return s.run();
}

/// Writes the study-level fields of `js` (an element of to_json(Dataset)["studies"]) into the row `id`, or
/// inserts a new row when id is empty.
bool write_study_row(sqlite3* db, const json& js, std::optional<std::int64_t> id) {
  Stmt s(db, id ? "UPDATE studies SET label = ?1, year = ?2, rob = ?3, indirectness = ?4, covariates = ?5 WHERE id = ?6"
                : "INSERT INTO studies(label, year, rob, indirectness, covariates) VALUES(?1, ?2, ?3, ?4, ?5)");
  s.bind(1, js.at("label").get<std::string>());
  if (js.contains("year"))
    s.bind(2, js["year"].get<std::int64_t>());
  else
    s.bind_null(2);
  s.bind_opt(3, json_text(js, "rob")).bind_opt(4, json_text(js, "indirectness"));
  s.bind(5, js.contains("covariates") ? js["covariates"].dump() : std::string("{}"));
  if (id) s.bind(6, *id);
  return s.run();
}

/// Stores the data of study `label` in every outcome of `data` (outcomes created as needed); returns the names of
/// the outcomes written, or nullopt on a database error.
std::optional<std::vector<std::string>> write_study_data(sqlite3* db, const Dataset& data, const json& doc,
                                                         const std::string& label, std::int64_t study_id) {
  std::vector<std::string> written;
  for (std::size_t oi = 0; oi < data.outcomes.size(); ++oi) {
    const Outcome& o = data.outcomes[oi];
    const json& jdata = doc["outcomes"][oi]["data"];
    for (std::size_t di = 0; di < o.data.size(); ++di) {
      const StudyData& sd = o.data[di];
      if (sd.study >= data.studies.size() || data.studies[sd.study].label != label) continue;
      const auto oid = outcome_id(db, o);
      if (!oid) return std::nullopt;
      json fragment = jdata[di];
      fragment.erase("study");
      Stmt s(db, "INSERT INTO study_data(study_id, outcome_id, data) VALUES(?1, ?2, ?3)");
      s.bind(1, study_id).bind(2, *oid).bind(3, fragment.dump());
      if (!s.run()) return std::nullopt;
      for (const Arm& a : sd.arms)
        if (!add_treatment(db, a.treatment)) return std::nullopt;
      for (const ContrastRecord& c : sd.contrasts)
        if (!add_treatment(db, c.treat1) || !add_treatment(db, c.treat2)) return std::nullopt;
      written.push_back(o.name);
    }
  }
  return written;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::string fnv1a64_hex(const std::string& text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<std::uint64_t>(static_cast<unsigned char>(c));
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

nlohmann::json to_json(const ReviewSettings& s) {
  const NetworkSettings& n = s.network;
  return json{{"measure", s.measure},
              {"network",
               {{"reference", n.reference},
                {"method_tau", n.method_tau},
                {"level", n.level},
                {"nsim", n.nsim},
                {"seed", n.seed},
                {"netsplit", n.netsplit},
                {"each_subnetwork", n.each_subnetwork},
                {"funnel_order", n.funnel_order},
                {"contribution", n.contribution},
                {"skip", n.skip},
                {"full", n.full}}},
              {"certainty", {{"on", s.certainty}, {"rob_rule", s.rob_rule}, {"incoherence_rule", s.incoherence_rule}}}};
}

ReviewSettings settings_from_json(const nlohmann::json& j, Diagnostics& diagnostics) {
  ReviewSettings s;
  try {
    if (j.contains("measure")) s.measure = j["measure"].get<std::string>();
    if (j.contains("network")) {
      const json& n = j["network"];
      NetworkSettings& o = s.network;
      if (n.contains("reference")) o.reference = n["reference"].get<std::string>();
      if (n.contains("method_tau")) o.method_tau = n["method_tau"].get<std::string>();
      if (n.contains("level")) o.level = n["level"].get<double>();
      if (n.contains("nsim")) o.nsim = n["nsim"].get<std::size_t>();
      if (n.contains("seed")) o.seed = n["seed"].get<std::uint64_t>();
      if (n.contains("netsplit")) o.netsplit = n["netsplit"].get<std::string>();
      if (n.contains("each_subnetwork")) o.each_subnetwork = n["each_subnetwork"].get<bool>();
      if (n.contains("funnel_order")) o.funnel_order = n["funnel_order"].get<std::vector<std::string>>();
      if (n.contains("contribution")) o.contribution = n["contribution"].get<std::string>();
      if (n.contains("skip")) o.skip = n["skip"].get<std::vector<std::string>>();
      if (n.contains("full")) o.full = n["full"].get<bool>();
    }
    if (j.contains("certainty")) {
      const json& c = j["certainty"];
      if (c.contains("on")) s.certainty = c["on"].get<bool>();
      if (c.contains("rob_rule")) s.rob_rule = c["rob_rule"].get<std::string>();
      if (c.contains("incoherence_rule")) s.incoherence_rule = c["incoherence_rule"].get<std::string>();
    }
  } catch (const json::exception& e) {
    diagnostics.error("store-bad-settings", {}, std::string("stored settings are malformed: ") + e.what());
  }
  if (!parse_rob_rule(s.rob_rule))
    diagnostics.error("store-bad-settings", {}, "unknown certainty rob_rule '" + s.rob_rule + "'",
                      "use one of: majority, highest, average");
  if (!parse_incoherence_rule(s.incoherence_rule))
    diagnostics.error("store-bad-settings", {}, "unknown certainty incoherence_rule '" + s.incoherence_rule + "'",
                      "use one of: ci-agreement, side-p");
  return s;
}

// ---- opening ----

OpenResult ReviewStore::open(const std::string& path, bool create, const StoreOptions& options) {
  OpenResult r;
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (create && exists) {
    r.diagnostics.error("store-exists", where(path), "the file already exists",
                        "choose a new file name, or open the existing review");
    return r;
  }
  if (!create && !exists) {
    r.diagnostics.error("store-open", where(path), "no such review store",
                        "create one with 'evident review init FILE --title T'");
    return r;
  }
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    r.diagnostics.error("store-open", where(path),
                        std::string("cannot open the review store: ") + (db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return r;
  }
  std::unique_ptr<ReviewStore> store(new ReviewStore(db, path));
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // Reading the schema first tells a non-database file apart before anything is written.
  if (!exec(db, "SELECT count(*) FROM sqlite_master")) {
    db_error(r.diagnostics, db, path, "reading the schema");
    return r;
  }
  if (!exec(db, "PRAGMA foreign_keys = ON") || !exec(db, "PRAGMA synchronous = FULL")) {
    db_error(r.diagnostics, db, path, "setting up the connection");
    return r;
  }
  {
    Stmt wal(db, "PRAGMA journal_mode = WAL");
    if (wal.step() != SQLITE_ROW) {
      db_error(r.diagnostics, db, path, "switching to WAL mode");
      return r;
    }
  }
  int version = user_version(db);
  if (version < 0) {
    db_error(r.diagnostics, db, path, "reading the schema version");
    return r;
  }
  if (version == 0 && !create) {
    Stmt s(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'review'");
    if (s.step() != SQLITE_ROW || s.integer(0) == 0) {
      r.diagnostics.error("store-not-review", where(path),
                          "not a review store (a SQLite database without review tables)",
                          "give a file made by 'evident review init'");
      return r;
    }
  }
  if (version > kSchemaVersion) {
    r.diagnostics.error("store-newer-schema", where(path),
                        "the review store has schema version " + std::to_string(version) +
                            ", newer than this build's " + std::to_string(kSchemaVersion),
                        "use a newer evident");
    return r;
  }
  if (version < kSchemaVersion) {
    Transaction tx(db);
    if (!tx.begun()) {
      db_error(r.diagnostics, db, path, "starting the schema migration");
      return r;
    }
    for (int v = version; v < kSchemaVersion; ++v) {
      if (!exec(db, kMigrations[v])) {
        db_error(r.diagnostics, db, path, "migrating the schema from version " + std::to_string(v));
        return r;
      }
    }
    const std::string set = "PRAGMA user_version = " + std::to_string(kSchemaVersion);
    if (!exec(db, set.c_str()) || !tx.commit()) {
      db_error(r.diagnostics, db, path, "migrating the schema");
      return r;
    }
  }
  r.store = std::move(store);
  return r;
}

OpenResult create_review(const std::string& path, const std::string& title, const nlohmann::json& question) {
  OpenResult r = ReviewStore::open(path, true, {});
  if (!r.store) return r;
  sqlite3* db = r.store->handle();
  Stmt s(db, "INSERT INTO review(id, title, question) VALUES(1, ?1, ?2)");
  s.bind(1, title).bind(2, question.is_null() ? std::string("{}") : question.dump());
  if (!s.run()) {
    db_error(r.diagnostics, db, path, "writing the review");
    r.store.reset();
  }
  return r;
}

OpenResult open_review(const std::string& path) {
  return ReviewStore::open(path, false, {});
}

ReviewStore::~ReviewStore() {
  sqlite3_close(db_);
}

int ReviewStore::schema_version() const {
  return user_version(db_);
}

bool ReviewStore::integrity_ok() const {
  Stmt s(db_, "PRAGMA integrity_check");
  return s.step() == SQLITE_ROW && s.text(0) == "ok";
}

// ---- changes ----

Diagnostics ReviewStore::add_studies(const Dataset& data, const std::string& time, const std::string& action) {
  Diagnostics ds;
  Transaction tx(db_);
  if (!tx.begun()) {
    db_error(ds, db_, path_, "starting a transaction");
    return ds;
  }
  for (const Study& s : data.studies) {
    if (lookup_id(db_, "SELECT id FROM studies WHERE label = ?1", s.label)) {
      auto& d = ds.error("store-study-exists", s.source, "study '" + s.label + "' is already in the review",
                         "use 'evident review edit' to change it");
      d.study = s.label;
    }
  }
  if (ds.has_errors()) return ds;
  const json doc = to_json(data);
  for (std::size_t i = 0; i < data.studies.size(); ++i) {
    const std::string& label = data.studies[i].label;
    if (!write_study_row(db_, doc["studies"][i], std::nullopt)) {
      db_error(ds, db_, path_, "adding study '" + label + "'");
      return ds;
    }
    const auto written = write_study_data(db_, data, doc, label, sqlite3_last_insert_rowid(db_));
    if (!written || !log_change(db_, time, action, label, "outcomes: " + join(*written))) {
      db_error(ds, db_, path_, "adding the data of study '" + label + "'");
      return ds;
    }
  }
  // Outcomes without any study still become part of the review.
  for (const Outcome& o : data.outcomes)
    if (!outcome_id(db_, o)) {
      db_error(ds, db_, path_, "adding outcome '" + o.name + "'");
      return ds;
    }
  if (!tx.commit()) db_error(ds, db_, path_, "committing");
  return ds;
}

Diagnostics ReviewStore::replace_study(const Dataset& data, const std::string& label, const std::string& time) {
  Diagnostics ds;
  const std::size_t index = data.find_study(label);
  if (index == Dataset::npos) {
    ds.error("store-no-study", where(data.source_file), "no study '" + label + "' in " + data.source_file).study =
        label;
    return ds;
  }
  Transaction tx(db_);
  if (!tx.begun()) {
    db_error(ds, db_, path_, "starting a transaction");
    return ds;
  }
  const auto id = lookup_id(db_, "SELECT id FROM studies WHERE label = ?1", label);
  if (!id) {
    ds.error("store-no-study", where(path_), "no study '" + label + "' in the review",
             "add it with 'evident review add-study'")
        .study = label;
    return ds;
  }
  const json doc = to_json(data);
  Stmt del(db_, "DELETE FROM study_data WHERE study_id = ?1");
  del.bind(1, *id);
  if (!write_study_row(db_, doc["studies"][index], id) || !del.run()) {
    db_error(ds, db_, path_, "replacing study '" + label + "'");
    return ds;
  }
  const auto written = write_study_data(db_, data, doc, label, *id);
  if (!written || !log_change(db_, time, "edited", label, "data replaced; outcomes: " + join(*written)) || !tx.commit())
    db_error(ds, db_, path_, "replacing the data of study '" + label + "'");
  return ds;
}

Diagnostics ReviewStore::set_study_field(const std::string& label, const std::string& field, const std::string& value,
                                         const std::string& time) {
  Diagnostics ds;
  Transaction tx(db_);
  if (!tx.begun()) {
    db_error(ds, db_, path_, "starting a transaction");
    return ds;
  }
  Stmt row(db_, "SELECT id, rob, covariates FROM studies WHERE label = ?1");
  row.bind(1, label);
  if (row.step() != SQLITE_ROW) {
    ds.error("store-no-study", where(path_), "no study '" + label + "' in the review").study = label;
    return ds;
  }
  const std::int64_t id = row.integer(0);
  json rob = row.is_null(1) ? json::object() : json::parse(row.text(1), nullptr, false);
  json cov = json::parse(row.text(2), nullptr, false);
  if (!rob.is_object() || !cov.is_object()) {
    ds.error("store-corrupt", where(path_), "stored risk of bias or covariates of '" + label + "' are not JSON");
    return ds;
  }
  auto bad = [&](const std::string& why) {
    auto& d = ds.error("store-bad-value", where(path_), why);
    d.study = label;
    d.field = field;
  };
  std::optional<Judgement> judgement;
  const bool is_judgement = field == "rob" || field.rfind("rob.", 0) == 0 || field == "indirectness";
  if (is_judgement && !value.empty()) {
    judgement = parse_judgement(value);
    if (!judgement) {
      bad("'" + value + "' is not a judgement (expected low, some concerns or high)");
      return ds;
    }
  }
  const std::optional<std::string> jtext = judgement ? std::optional<std::string>(to_string(*judgement)) : std::nullopt;
  std::string sql;
  std::optional<std::string> text;
  std::optional<std::int64_t> number;
  if (field == "year") {
    sql = "UPDATE studies SET year = ?1 WHERE id = ?2";
    if (!value.empty()) {
      std::int64_t y = 0;
      const auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), y);
      if (e != std::errc() || p != value.data() + value.size()) {
        bad("year '" + value + "' is not a whole number");
        return ds;
      }
      number = y;
    }
  } else if (field == "rob" || field == "rob.overall" ||
             (field.size() == 6 && field.rfind("rob.d", 0) == 0 && field[5] >= '1' && field[5] <= '5')) {
    const std::string key = field.size() == 6 ? field.substr(4) : "overall";
    if (jtext)
      rob[key] = *jtext;
    else
      rob.erase(key);
    sql = "UPDATE studies SET rob = ?1 WHERE id = ?2";
    if (!rob.empty()) text = rob.dump();
  } else if (field == "indirectness") {
    sql = "UPDATE studies SET indirectness = ?1 WHERE id = ?2";
    text = jtext;
  } else if (field.rfind("covariate.", 0) == 0 && field.size() > 10) {
    const std::string key = field.substr(10);
    if (value.empty()) {
      cov.erase(key);
    } else {
      const json n = json::parse(value, nullptr, false);
      cov[key] = (!n.is_discarded() && n.is_number() && n.dump() == value) ? n : json(value);
    }
    sql = "UPDATE studies SET covariates = ?1 WHERE id = ?2";
    text = cov.dump();
  } else {
    bad("unknown study field '" + field + "'");
    ds.items().back().hint = "expected year, rob, rob.d1 .. rob.d5, indirectness or covariate.NAME";
    return ds;
  }
  Stmt up(db_, sql.c_str());
  if (field == "year")
    up.bind_opt(1, number);
  else
    up.bind_opt(1, text);
  up.bind(2, id);
  if (!up.run() || !log_change(db_, time, "edited", label, field + " = " + value) || !tx.commit())
    db_error(ds, db_, path_, "editing study '" + label + "'");
  return ds;
}

Diagnostics ReviewStore::set_treatment_class(const std::string& treatment, const std::string& cls) {
  Diagnostics ds;
  Stmt s(db_, "UPDATE treatments SET class = ?1 WHERE name = ?2");
  s.bind_opt(1, cls.empty() ? std::nullopt : std::optional<std::string>(cls)).bind(2, treatment);
  if (!s.run())
    db_error(ds, db_, path_, "setting the class of '" + treatment + "'");
  else if (sqlite3_changes(db_) == 0)
    ds.error("store-no-treatment", where(path_), "no treatment '" + treatment + "' in the review");
  return ds;
}

Diagnostics ReviewStore::set_settings(const ReviewSettings& settings, const std::string& time) {
  Diagnostics ds;
  (void)settings_from_json(to_json(settings), ds);  // unknown certainty rules: nothing is stored
  if (ds.has_errors()) return ds;
  Transaction tx(db_);
  const std::string text = to_json(settings).dump();
  Stmt s(db_, "INSERT OR REPLACE INTO settings(key, value) VALUES('analysis', ?1)");
  s.bind(1, text);
  if (!tx.begun() || !s.run() || !log_change(db_, time, "settings", "", text) || !tx.commit())
    db_error(ds, db_, path_, "storing the settings");
  return ds;
}

ReviewSettings ReviewStore::settings(Diagnostics& diagnostics) const {
  Stmt s(db_, "SELECT value FROM settings WHERE key = 'analysis'");
  if (s.step() != SQLITE_ROW) return {};
  const json j = json::parse(s.text(0), nullptr, false);
  if (j.is_discarded()) {
    diagnostics.error("store-bad-settings", where(path_), "stored settings are not JSON");
    return {};
  }
  return settings_from_json(j, diagnostics);
}

// ---- reading ----

Dataset ReviewStore::dataset(Diagnostics& diagnostics) const {
  json doc = json::object();
  doc["evident_dataset"] = kJsonSchemaVersion;
  json studies = json::array();
  std::map<std::int64_t, std::string> labels;
  {
    Stmt s(db_, "SELECT id, label, year, rob, indirectness, covariates FROM studies ORDER BY id");
    while (s.step() == SQLITE_ROW) {
      json js = json::object();
      js["label"] = s.text(1);
      labels[s.integer(0)] = s.text(1);
      if (!s.is_null(2)) js["year"] = s.integer(2);
      if (!s.is_null(3)) js["rob"] = json::parse(s.text(3), nullptr, false);
      if (!s.is_null(4)) js["indirectness"] = s.text(4);
      const json cov = json::parse(s.text(5), nullptr, false);
      if (cov.is_object() && !cov.empty()) js["covariates"] = cov;
      studies.push_back(std::move(js));
    }
  }
  doc["studies"] = std::move(studies);
  json outcomes = json::array();
  Stmt o(db_, "SELECT id, name, type, direction, time_point, mid, measure FROM outcomes ORDER BY id");
  while (o.step() == SQLITE_ROW) {
    json jo = json::object();
    jo["name"] = o.text(1);
    jo["type"] = o.text(2);
    if (!o.is_null(3)) jo["direction"] = o.text(3);
    if (!o.text(4).empty()) jo["time_point"] = o.text(4);
    if (!o.is_null(5)) jo["mid"] = o.real(5);
    if (!o.is_null(6)) jo["measure"] = o.text(6);
    json data = json::array();
    Stmt d(db_, "SELECT study_id, data FROM study_data WHERE outcome_id = ?1 ORDER BY study_id");
    d.bind(1, o.integer(0));
    while (d.step() == SQLITE_ROW) {
      json e = json::parse(d.text(1), nullptr, false);
      if (!e.is_object()) {
        diagnostics.error("store-corrupt", where(path_), "stored data of a study are not a JSON object");
        continue;
      }
      e["study"] = labels[d.integer(0)];
      data.push_back(std::move(e));
    }
    jo["data"] = std::move(data);
    outcomes.push_back(std::move(jo));
  }
  doc["outcomes"] = std::move(outcomes);
  ReadResult r = read_json(doc.dump(), path_);
  diagnostics.append(r.diagnostics);
  return std::move(r.dataset);
}

std::vector<std::string> ReviewStore::study_labels() const {
  std::vector<std::string> out;
  Stmt s(db_, "SELECT label FROM studies ORDER BY id");
  while (s.step() == SQLITE_ROW) out.push_back(s.text(0));
  return out;
}

Diagnostics ReviewStore::add_run(const RunRecord& run, std::int64_t& id) {
  Diagnostics ds;
  Transaction tx(db_);
  Stmt s(db_,
         "INSERT INTO runs(time, input_hash, settings, results, software_version, last_change)"
         " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  s.bind(1, run.time).bind(2, run.input_hash).bind(3, run.settings.dump()).bind(4, run.results.dump());
  s.bind(5, run.software_version).bind(6, run.last_change);
  if (!tx.begun() || !s.run()) {
    db_error(ds, db_, path_, "storing the run");
    return ds;
  }
  id = sqlite3_last_insert_rowid(db_);
  if (!tx.commit()) db_error(ds, db_, path_, "committing the run");
  return ds;
}

std::optional<RunRecord> ReviewStore::run(std::int64_t id, Diagnostics& diagnostics) const {
  Stmt s(db_, "SELECT id, time, input_hash, settings, software_version, results, last_change FROM runs WHERE id = ?1");
  s.bind(1, id);
  if (s.step() != SQLITE_ROW) {
    diagnostics.error("store-no-run", where(path_), "no run " + std::to_string(id) + " in the review",
                      "'evident review run' lists the run ids it makes");
    return std::nullopt;
  }
  RunRecord r;
  r.id = s.integer(0);
  r.time = s.text(1);
  r.input_hash = s.text(2);
  r.settings = json::parse(s.text(3), nullptr, false);
  r.software_version = s.text(4);
  r.results = json::parse(s.text(5), nullptr, false);
  r.last_change = s.integer(6);
  if (r.settings.is_discarded() || r.results.is_discarded()) {
    diagnostics.error("store-corrupt", where(path_), "run " + std::to_string(id) + " holds malformed JSON");
    return std::nullopt;
  }
  return r;
}

std::vector<Change> ReviewStore::changes(std::int64_t after, std::int64_t up_to) const {
  std::vector<Change> out;
  Stmt s(db_, "SELECT id, time, action, study, detail FROM change_log WHERE id > ?1 AND id <= ?2 ORDER BY id");
  s.bind(1, after).bind(2, up_to);
  while (s.step() == SQLITE_ROW) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4)});
  return out;
}

std::int64_t ReviewStore::last_change() const {
  Stmt s(db_, "SELECT COALESCE(MAX(id), 0) FROM change_log");
  return s.step() == SQLITE_ROW ? s.integer(0) : 0;
}

// ---- export / import ----

nlohmann::json ReviewStore::export_json() const {
  return export_tables(false);
}

nlohmann::json ReviewStore::export_light_json() const {
  return export_tables(true);
}

nlohmann::json ReviewStore::export_tables(bool light) const {
  json doc = json::object();
  doc["evident_review"] = 1;
  doc["schema_version"] = kSchemaVersion;
  for (const TableSpec& t : tables()) {
    const std::string table = t.name;
    if (light && table == "study_data") continue;
    json rows = json::array();
    const std::string columns =
        light && table == "runs" ? "id, time, input_hash, settings, software_version, last_change" : "*";
    const std::string sql = "SELECT " + columns + " FROM " + table + " ORDER BY " + t.order;
    Stmt s(db_, sql.c_str());
    while (s.step() == SQLITE_ROW) {
      json row = json::object();
      for (int c = 0; c < s.columns(); ++c) {
        const std::string name = s.name(c);
        switch (s.type(c)) {
          case SQLITE_NULL:
            row[name] = nullptr;
            break;
          case SQLITE_INTEGER:
            row[name] = s.integer(c);
            break;
          case SQLITE_FLOAT:
            row[name] = s.real(c);
            break;
          default:
            if (t.json_columns.count(name)) {
              const json v = json::parse(s.text(c), nullptr, false);
              row[name] = v.is_discarded() ? json(s.text(c)) : v;
            } else {
              row[name] = s.text(c);
            }
        }
      }
      rows.push_back(std::move(row));
    }
    doc[t.name] = std::move(rows);
  }
  return doc;
}

Diagnostics ReviewStore::import_json(const nlohmann::json& doc) {
  Diagnostics ds;
  const SourceLocation loc = where(path_);
  if (!doc.is_object() || !doc.contains("evident_review") || doc["evident_review"] != 1) {
    ds.error("store-bad-import", loc, "not an evident review export (no \"evident_review\": 1)");
    return ds;
  }
  if (!doc.contains("schema_version") || doc["schema_version"] != kSchemaVersion) {
    ds.error("store-bad-import", loc,
             "the export has schema version " + (doc.contains("schema_version") ? doc["schema_version"].dump() : "?") +
                 ", this build reads version " + std::to_string(kSchemaVersion));
    return ds;
  }
  Transaction tx(db_);
  if (!tx.begun()) {
    db_error(ds, db_, path_, "starting a transaction");
    return ds;
  }
  for (const char* t : {"outcomes", "studies", "runs", "change_log", "settings", "treatments"}) {
    const std::string sql = std::string("SELECT count(*) FROM ") + t;
    Stmt s(db_, sql.c_str());
    if (s.step() == SQLITE_ROW && s.integer(0) > 0) {
      ds.error("store-not-empty", loc,
               "import-json needs a new, empty review store (table '" + std::string(t) + "' has rows)");
      return ds;
    }
  }
  if (!exec(db_, "DELETE FROM review")) {
    db_error(ds, db_, path_, "clearing the review");
    return ds;
  }
  for (const TableSpec& t : tables()) {
    if (!doc.contains(t.name)) continue;
    const json& rows = doc[t.name];
    if (!rows.is_array()) {
      ds.error("store-bad-import", loc, std::string("\"") + t.name + "\" is not an array");
      return ds;
    }
    std::set<std::string> known;
    {
      const std::string sql = std::string("PRAGMA table_info(") + t.name + ")";
      Stmt s(db_, sql.c_str());
      while (s.step() == SQLITE_ROW) known.insert(s.text(1));
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const json& row = rows[i];
      const std::string here = std::string(t.name) + "[" + std::to_string(i) + "]";
      if (!row.is_object()) {
        ds.error("store-bad-import", loc, here + " is not an object");
        return ds;
      }
      std::string cols, marks;
      for (const auto& item : row.items()) {
        if (!known.count(item.key())) {
          ds.error("store-bad-import", loc, here + " has an unknown column '" + item.key() + "'");
          return ds;
        }
        cols += (cols.empty() ? "" : ", ") + item.key();
        marks += marks.empty() ? "?" : ", ?";
      }
      const std::string sql = std::string("INSERT INTO ") + t.name + "(" + cols + ") VALUES(" + marks + ")";
      Stmt s(db_, sql.c_str());
      int k = 1;
      for (const auto& item : row.items()) {
        const json& v = item.value();
        if (v.is_null())
          s.bind_null(k);
        else if (v.is_number_integer())
          s.bind(k, v.get<std::int64_t>());
        else if (v.is_number())
          s.bind(k, v.get<double>());
        else if (v.is_string())
          s.bind(k, v.get<std::string>());
        else
          s.bind(k, v.dump());
        ++k;
      }
      if (!s.run()) {
        db_error(ds, db_, path_, "importing " + here);
        return ds;
      }
    }
  }
  if (!tx.commit()) db_error(ds, db_, path_, "committing the import");
  return ds;
}

}  // namespace evident::store
