// `evident review`: see review.hpp.
#include "review.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_options.hpp"
#include "cli_output.hpp"
#include "evident/core/version.hpp"
#include "evident/data/read.hpp"
#include "evident/pairwise/request.hpp"
#include "evident/store/review_run.hpp"
#include "evident/store/review_store.hpp"

namespace evident_cli {

struct ReviewArgs {
  CLI::App *init = nullptr, *import = nullptr, *add = nullptr, *edit = nullptr, *run = nullptr, *diff = nullptr,
           *exp = nullptr, *import_json = nullptr;
  std::string store;
  std::string data;
  std::string time;
  evident::ReadSettings read;
  // init
  std::string title, population, intervention, comparison, outcomes;
  // edit
  std::string study;
  std::vector<std::string> sets, classes;
  // run
  bool json = false;
  std::optional<std::string> measure, reference, method_tau, certainty, rob_rule, incoherence_rule;
  std::optional<std::size_t> nsim;
  std::optional<std::uint64_t> seed;
  // diff
  std::int64_t run_a = 0, run_b = 0;
  std::string output;
};

namespace {

void add_read_options(CLI::App& c, ReviewArgs& a) { evident_cli::add_read_options(c, a.data, a.read); }

CLI::App* add_store(CLI::App& parent, const char* name, const char* help, ReviewArgs& a) {
  CLI::App* c = parent.add_subcommand(name, help);
  c->add_option("store", a.store, "Review file (.evident)")->required();
  return c;
}

/// Prints diagnostics; true when there is no error.
bool report(const evident::Diagnostics& ds) {
  print_diagnostics(std::cerr, ds);
  if (ds.has_errors()) print_error_summary(std::cerr, ds);
  return !ds.has_errors();
}

std::unique_ptr<evident::store::ReviewStore> open_store(const std::string& path) {
  evident::store::OpenResult o = evident::store::open_review(path);
  report(o.diagnostics);
  return std::move(o.store);
}

/// Reads a data file with the reading options; nullopt (diagnostics printed) on errors.
std::optional<evident::Dataset> read_data(const ReviewArgs& a, int& code) {
  evident::Diagnostics option_errors;
  const evident::ReadOptions ropts = evident::make_read_options(a.read, option_errors);
  if (!options_ok(option_errors)) {
    code = kExitUsage;
    return std::nullopt;
  }
  evident::ReadResult r = evident::read_file(a.data, ropts);
  if (!report(r.diagnostics)) {
    code = kExitDataError;
    return std::nullopt;
  }
  return std::move(r.dataset);
}

bool split_pair(const std::string& spec, std::string& key, std::string& value) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  key = spec.substr(0, eq);
  value = spec.substr(eq + 1);
  return true;
}

int run_init(const ReviewArgs& a) {
  nlohmann::json question = nlohmann::json::object();
  if (!a.population.empty()) question["population"] = a.population;
  if (!a.intervention.empty()) question["intervention"] = a.intervention;
  if (!a.comparison.empty()) question["comparison"] = a.comparison;
  if (!a.outcomes.empty()) question["outcomes"] = a.outcomes;
  const evident::store::OpenResult o = evident::store::create_review(a.store, a.title, question);
  if (!report(o.diagnostics)) return kExitDataError;
  std::cout << "Created review '" << a.title << "' in " << a.store << "\n";
  return kExitOk;
}

int run_add(const ReviewArgs& a, const std::string& time, const char* action) {
  int code = kExitOk;
  const auto data = read_data(a, code);
  if (!data) return code;
  auto store = open_store(a.store);
  if (!store) return kExitDataError;
  if (!report(store->add_studies(*data, time, action))) return kExitDataError;
  std::cout << "Added " << data->studies.size() << (data->studies.size() == 1 ? " study" : " studies") << " and "
            << data->outcomes.size() << (data->outcomes.size() == 1 ? " outcome" : " outcomes") << " from " << a.data
            << "\n";
  return kExitOk;
}

int run_edit(const ReviewArgs& a, const std::string& time) {
  if (a.data.empty() && a.sets.empty() && a.classes.empty()) {
    std::cerr << "evident: error: nothing to edit (give --data, --set or --class)\n";
    return kExitUsage;
  }
  if ((!a.data.empty() || !a.sets.empty()) && a.study.empty()) {
    std::cerr << "evident: error: --data and --set need the study label\n";
    return kExitUsage;
  }
  std::vector<std::pair<std::string, std::string>> sets, classes;
  for (const auto* list : {&a.sets, &a.classes})
    for (const auto& spec : *list) {
      std::string k, v;
      if (!split_pair(spec, k, v)) {
        std::cerr << "evident: error: expected NAME=VALUE, got '" << spec << "'\n";
        return kExitUsage;
      }
      (list == &a.sets ? sets : classes).emplace_back(k, v);
    }
  std::optional<evident::Dataset> data;
  if (!a.data.empty()) {
    int code = kExitOk;
    data = read_data(a, code);
    if (!data) return code;
  }
  auto store = open_store(a.store);
  if (!store) return kExitDataError;
  evident::Diagnostics all;
  if (data) all.append(store->replace_study(*data, a.study, time));
  for (const auto& [field, value] : sets)
    if (!all.has_errors()) all.append(store->set_study_field(a.study, field, value, time));
  for (const auto& [treatment, cls] : classes)
    if (!all.has_errors()) all.append(store->set_treatment_class(treatment, cls));
  if (!report(all)) return kExitDataError;
  std::cout << "Edited " << (a.study.empty() ? std::string("treatment classes") : "study '" + a.study + "'") << "\n";
  return kExitOk;
}

int run_run(const ReviewArgs& a, const std::string& time) {
  auto store = open_store(a.store);
  if (!store) return kExitDataError;
  evident::Diagnostics ds;
  evident::store::ReviewSettings settings = store->settings(ds);
  if (!report(ds)) return kExitDataError;
  const evident::store::ReviewSettings before = settings;
  if (a.measure) settings.measure = *a.measure;
  if (a.reference) settings.network.reference = *a.reference;
  if (a.method_tau) settings.network.method_tau = *a.method_tau;
  if (a.nsim) settings.network.nsim = *a.nsim;
  if (a.seed) settings.network.seed = *a.seed;
  if (a.certainty) settings.certainty = *a.certainty == "on";
  if (a.rob_rule) settings.rob_rule = *a.rob_rule;
  if (a.incoherence_rule) settings.incoherence_rule = *a.incoherence_rule;
  if (to_json(settings) != to_json(before) && !report(store->set_settings(settings, time))) return kExitDataError;
  const evident::store::RunResult r = evident::store::run_review(*store, time, evident::kVersion);
  if (!report(r.diagnostics) || !r.ok()) return kExitDataError;
  if (a.json) {
    const auto& rec = r.record;
    std::cout << nlohmann::json{{"id", rec.id},
                                {"time", rec.time},
                                {"input_hash", rec.input_hash},
                                {"settings", rec.settings},
                                {"software_version", rec.software_version},
                                {"results", rec.results}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << evident::store::render_run_summary(r.record);
  }
  return kExitOk;
}

int run_diff(const ReviewArgs& a) {
  auto store = open_store(a.store);
  if (!store) return kExitDataError;
  evident::Diagnostics ds;
  const auto diff = evident::store::diff_stored_runs(*store, a.run_a, a.run_b, ds);
  if (!report(ds) || !diff) return kExitDataError;
  if (a.json)
    std::cout << evident::store::to_json(*diff).dump(2) << "\n";
  else
    std::cout << evident::store::render_text(*diff);
  return kExitOk;
}

int run_export(const ReviewArgs& a) {
  auto store = open_store(a.store);
  if (!store) return kExitDataError;
  const std::string text = store->export_json().dump(2) + "\n";
  if (a.output.empty()) {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream out(a.output, std::ios::binary);
  out << text;
  if (!out) {
    std::cerr << "evident: error: cannot write '" << a.output << "'\n";
    return kExitUsage;
  }
  return kExitOk;
}

int run_import_json(const ReviewArgs& a) {
  std::ifstream in(a.data, std::ios::binary);
  if (!in) {
    std::cerr << "evident: error: cannot read '" << a.data << "'\n";
    return kExitUsage;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const nlohmann::json doc = nlohmann::json::parse(ss.str(), nullptr, false);
  if (doc.is_discarded()) {
    std::cerr << a.data << ": error: not valid JSON\n";
    return kExitDataError;
  }
  evident::store::OpenResult o = evident::store::create_review(a.store, "");
  if (!report(o.diagnostics)) return kExitDataError;
  if (!report(o.store->import_json(doc))) {
    o.store.reset();
    std::error_code ec;  // leave no half-made file behind
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(a.store + suffix, ec);
    return kExitDataError;
  }
  std::cout << "Imported " << a.data << " into " << a.store << "\n";
  return kExitOk;
}

}  // namespace

ReviewCommand::ReviewCommand(CLI::App& app) : args_(std::make_shared<ReviewArgs>()) {
  ReviewArgs& a = *args_;
  command_ = app.add_subcommand("review", "A living review kept in one file: studies, settings and every run");
  command_->require_subcommand(1);
  CLI::App& c = *command_;

  a.init = add_store(c, "init", "Create a review file", a);
  a.init->add_option("--title", a.title, "Title of the review")->required();
  a.init->add_option("--population", a.population, "Question: population");
  a.init->add_option("--intervention", a.intervention, "Question: intervention(s)");
  a.init->add_option("--comparison", a.comparison, "Question: comparator(s)");
  a.init->add_option("--outcomes", a.outcomes, "Question: outcomes");

  a.import = add_store(c, "import", "Import all studies and outcomes of a data file", a);
  add_read_options(*a.import, a);
  a.add = add_store(c, "add-study", "Add new studies from a data file (an existing label is an error)", a);
  add_read_options(*a.add, a);

  a.edit = add_store(c, "edit", "Replace a study's data from a file or set a field of a study", a);
  a.edit->add_option("study", a.study, "Study label");
  a.edit->add_option("--data", a.data, "Replace the study's data by that of the same study in this file");
  a.edit->add_option("--set", a.sets,
                     "FIELD=VALUE: year, rob, rob.d1 .. rob.d5, indirectness, covariate.NAME (empty value clears)");
  a.edit->add_option("--class", a.classes, "TREATMENT=CLASS: set a treatment's class");

  a.run = add_store(c, "run", "Analyse every outcome with the stored settings and store the run", a);
  a.run->add_flag("--json", a.json, "Write the stored run as JSON");
  a.run->add_option("--measure", a.measure, "Store this effect measure in the settings first");
  a.run->add_option("--reference", a.reference, "Store this reference treatment in the settings first");
  a.run->add_option("--method-tau", a.method_tau, "Store this tau2 estimator (DL or REML) in the settings first");
  a.run->add_option("--nsim", a.nsim, "Store this number of rankogram simulations in the settings first");
  a.run->add_option("--seed", a.seed, "Store this simulation seed in the settings first");
  a.run->add_option("--certainty", a.certainty,
                    "Store whether runs rate certainty (CINeMA, summary of findings, recommendation drafts) first")
      ->check(CLI::IsMember({"on", "off"}));
  a.run->add_option("--rob-rule", a.rob_rule, "Store this CINeMA within-study bias rule first")
      ->check(CLI::IsMember({"majority", "highest", "average"}));
  a.run->add_option("--incoherence-rule", a.incoherence_rule, "Store this CINeMA incoherence rule first")
      ->check(CLI::IsMember({"ci-agreement", "side-p"}));

  a.diff = add_store(c, "diff", "What changed in the conclusions between two runs, and which studies caused it", a);
  a.diff->add_option("run_a", a.run_a, "First run id")->required();
  a.diff->add_option("run_b", a.run_b, "Second run id")->required();
  a.diff->add_flag("--json", a.json, "Write JSON");

  a.exp = add_store(c, "export", "Write the whole review as one JSON document (stable key order)", a);
  a.exp->add_option("-o,--output", a.output, "Output file (default: standard output)");

  a.import_json = add_store(c, "import-json", "Create a review file from an exported JSON document", a);
  a.import_json->add_option("review_json", a.data, "Exported review (JSON)")->required();

  for (CLI::App* sub : {a.import, a.add, a.edit, a.run})
    sub->add_option("--time", a.time, "Time recorded for the change (default: now, UTC)");
}

bool ReviewCommand::parsed() const {
  return command_->parsed();
}

int ReviewCommand::run() const {
  const ReviewArgs& a = *args_;
  const std::string time = a.time.empty() ? now_utc() : a.time;
  if (a.init->parsed()) return run_init(a);
  if (a.import->parsed()) return run_add(a, time, "imported");
  if (a.add->parsed()) return run_add(a, time, "added");
  if (a.edit->parsed()) return run_edit(a, time);
  if (a.run->parsed()) return run_run(a, time);
  if (a.diff->parsed()) return run_diff(a);
  if (a.exp->parsed()) return run_export(a);
  if (a.import_json->parsed()) return run_import_json(a);
  return kExitUsage;
}

}  // namespace evident_cli
