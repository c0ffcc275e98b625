// evident command-line interface: a thin front-end over libevident.
//
//   evident effects FILE [--measure M] [--outcome NAME] [--json|--csv] [--map col=field[:outcome]] ...
//   evident check FILE [--map ...]            read and validate, print diagnostics and a data summary
//   evident convert FILE -o OUT.json          write the data in evident's JSON format
//
// Exit codes: 0 success, 1 data errors (diagnostics printed), 2 usage errors.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli_output.hpp"
#include "evident/core/version.hpp"
#include "evident/data/json_io.hpp"
#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/effects/effects_json.hpp"
#include "evident/pairwise/analysis.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitDataError = 1;
constexpr int kExitUsage = 2;

/// Exit code for diagnostics with errors: an option that does not fit the data (e.g. --measure OR
/// for means) is a usage error, anything else a data error.
int error_exit_code(const evident::Diagnostics& ds) {
  for (const auto& d : ds.items())
    if (d.severity == evident::Severity::error && (d.code == "measure-not-applicable" || d.code == "invalid-option"))
      return kExitUsage;
  return kExitDataError;
}

struct InputArgs {
  std::string file;
  std::vector<std::string> maps;
  std::string format = "auto";
  std::string type;
  std::string outcome_name;
  std::string labels;
  std::string small_values;
  std::optional<double> mid;
};

void add_input_options(CLI::App& cmd, InputArgs& in) {
  cmd.add_option("file", in.file, "Data file (CSV, evident JSON, RevMan 5 .rm5)")->required();
  cmd.add_option("--map", in.maps,
                 "Read a column as a field: column=field[:outcome] (e.g. exac=events, resp=events:response); "
                 "repeatable");
  cmd.add_option("--format", in.format, "Input format: auto, csv, json, revman5")
      ->check(CLI::IsMember({"auto", "csv", "json", "revman5"}));
  cmd.add_option("--type", in.type, "Outcome type: binary, continuous, contrast, time-to-event, rate");
  cmd.add_option("--outcome-name", in.outcome_name, "Name of the outcome in a single-outcome file");
  cmd.add_option("--treatment-labels", in.labels, "CSV of treatment codes and labels (MetaInsight: Number,Label)");
  cmd.add_option("--small-values", in.small_values,
                 "Are small values of the outcome(s) desirable (e.g. pain) or undesirable (e.g. response)?")
      ->check(CLI::IsMember({"desirable", "undesirable"}));
  cmd.add_option("--mid", in.mid, "Minimally important difference of the outcome(s), on the analysis scale")
      ->check(CLI::PositiveNumber);
}

/// Builds ReadOptions; returns false (after printing) on a usage error.
bool make_read_options(const InputArgs& in, evident::ReadOptions& opts) {
  for (const auto& spec : in.maps) {
    std::string err;
    auto m = evident::parse_column_mapping(spec, err);
    if (!m) {
      std::cerr << "evident: error: " << err << "\n";
      return false;
    }
    opts.mappings.push_back(*m);
  }
  if (in.format == "csv") opts.format = evident::InputFormat::csv;
  if (in.format == "json") opts.format = evident::InputFormat::json;
  if (in.format == "revman5") opts.format = evident::InputFormat::revman5;
  if (!in.type.empty()) {
    auto t = evident::parse_outcome_type(in.type);
    if (!t) {
      std::cerr << "evident: error: unknown outcome type '" << in.type
                << "' (expected binary, continuous, contrast, time-to-event or rate)\n";
      return false;
    }
    opts.outcome_type = *t;
  }
  opts.outcome_name = in.outcome_name;
  if (!in.labels.empty()) opts.treatment_labels_file = in.labels;
  if (in.small_values == "desirable") opts.direction = evident::Direction::small_values_desirable;
  if (in.small_values == "undesirable") opts.direction = evident::Direction::large_values_desirable;
  opts.mid = in.mid;
  return true;
}

struct EffectArgs {
  std::string measure;
  std::string outcome;
  bool json = false;
  bool csv = false;
  std::string output;
  double cc = 0.5;
  std::string cc_where = "only0";
  std::string cc_method = "constant";
  bool include_all_zero = false;
  std::string smd = "exact";
  std::string convention = "meta";
  bool smd_pairwise = false;
  bool no_convert = false;
  bool impute_sd = false;
  std::string impute_method = "pooled";
  std::optional<double> impute_value;
  std::string carry_over;
};

bool make_effect_options(const EffectArgs& a, const evident::Outcome& outcome, evident::EffectOptions& o) {
  if (a.measure.empty()) {
    o.measure = evident::default_measure(outcome);
  } else {
    auto m = evident::parse_measure(a.measure);
    if (!m) {
      std::cerr << "evident: error: unknown measure '" << a.measure
                << "' (expected MD, SMD, GLASS, ROM, OR, RR, RD, IRR, IRD, HR or GEN)\n";
      return false;
    }
    o.measure = *m;
  }
  o.correction.value = a.cc;
  if (a.cc_where == "only0") o.correction.where = evident::ContinuityWhere::only_zero;
  if (a.cc_where == "all") o.correction.where = evident::ContinuityWhere::all;
  if (a.cc_where == "if0all") o.correction.where = evident::ContinuityWhere::if_any_zero;
  if (a.cc_where == "none") o.correction.where = evident::ContinuityWhere::none;
  if (a.cc_method == "constant") o.correction.method = evident::ContinuityMethod::constant;
  if (a.cc_method == "treatment-arm") o.correction.method = evident::ContinuityMethod::treatment_arm;
  if (a.cc_method == "empirical") o.correction.method = evident::ContinuityMethod::empirical;
  o.include_all_zero = a.include_all_zero;
  if (a.smd == "exact") o.smd_correction = evident::SmdCorrection::hedges_exact;
  if (a.smd == "approx") o.smd_correction = evident::SmdCorrection::hedges_approx;
  if (a.smd == "exact-ls") o.smd_correction = evident::SmdCorrection::hedges_exact_ls;
  o.correction.convention =
      a.convention == "metafor" ? evident::CorrectionConvention::metafor : evident::CorrectionConvention::meta;
  if (a.smd == "none") o.smd_correction = evident::SmdCorrection::none;
  o.smd_multiarm_pooled = !a.smd_pairwise;
  o.convert_summaries = !a.no_convert;
  o.impute_missing_sd = a.impute_sd || a.impute_value.has_value() || !a.carry_over.empty();
  o.imputation.pool = a.impute_method == "mean" ? evident::SdPoolMethod::mean : evident::SdPoolMethod::pooled;
  o.imputation.user_sd = a.impute_value;
  if (!a.carry_over.empty()) o.imputation.carry_over_outcome = a.carry_over;
  return true;
}

/// Output stream: stdout or a file given with -o.
class Output {
 public:
  explicit Output(const std::string& path) {
    if (!path.empty()) {
      file_.open(path, std::ios::binary);
      ok_ = static_cast<bool>(file_);
    }
  }
  std::ostream& stream() { return file_.is_open() ? static_cast<std::ostream&>(file_) : std::cout; }
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  std::ofstream file_;
  bool ok_ = true;
};

int run_effects(const InputArgs& in, const EffectArgs& args) {
  evident::ReadOptions ropts;
  if (!make_read_options(in, ropts)) return kExitUsage;
  evident::ReadResult read = evident::read_file(in.file, ropts);
  evident_cli::print_diagnostics(std::cerr, read.diagnostics);
  if (!read.ok()) {
    evident_cli::print_error_summary(std::cerr, read.diagnostics);
    return kExitDataError;
  }
  std::vector<const evident::Outcome*> outcomes;
  for (const auto& o : read.dataset.outcomes)
    if (args.outcome.empty() || o.name == args.outcome) outcomes.push_back(&o);
  if (outcomes.empty()) {
    std::cerr << "evident: error: no outcome named '" << args.outcome << "' in " << in.file << " (outcomes:";
    for (const auto& o : read.dataset.outcomes) std::cerr << " '" << o.name << "'";
    std::cerr << ")\n";
    return kExitUsage;
  }
  std::vector<evident::EffectSet> sets;
  for (const auto* o : outcomes) {
    evident::EffectOptions eo;
    if (!make_effect_options(args, *o, eo)) return kExitUsage;
    sets.push_back(evident::compute_effects(read.dataset, *o, eo));
    evident_cli::print_diagnostics(std::cerr, sets.back().diagnostics);
  }
  evident::Diagnostics all;
  for (const auto& s : sets) all.append(s.diagnostics);
  if (all.has_errors()) {
    evident_cli::print_error_summary(std::cerr, all);
    return error_exit_code(all);
  }
  Output out(args.output);
  if (!out.ok()) {
    std::cerr << "evident: error: cannot write '" << args.output << "'\n";
    return kExitUsage;
  }
  if (args.json) {
    evident_cli::write_effects_json(out.stream(), read, sets);
  } else if (args.csv) {
    evident_cli::write_effects_csv(out.stream(), sets);
  } else {
    evident_cli::write_effects_text(out.stream(), read, sets);
  }
  return kExitOk;
}

int run_check(const InputArgs& in, bool json) {
  evident::ReadOptions ropts;
  if (!make_read_options(in, ropts)) return kExitUsage;
  evident::ReadResult read = evident::read_file(in.file, ropts);
  if (json) {
    evident_cli::write_check_json(std::cout, read);
  } else {
    evident_cli::print_diagnostics(std::cerr, read.diagnostics);
    evident_cli::write_dataset_summary(std::cout, read);
    if (!read.ok()) evident_cli::print_error_summary(std::cerr, read.diagnostics);
  }
  return read.ok() ? kExitOk : kExitDataError;
}

int run_convert(const InputArgs& in, const std::string& output) {
  evident::ReadOptions ropts;
  if (!make_read_options(in, ropts)) return kExitUsage;
  evident::ReadResult read = evident::read_file(in.file, ropts);
  evident_cli::print_diagnostics(std::cerr, read.diagnostics);
  if (!read.ok()) {
    evident_cli::print_error_summary(std::cerr, read.diagnostics);
    return kExitDataError;
  }
  Output out(output);
  if (!out.ok()) {
    std::cerr << "evident: error: cannot write '" << output << "'\n";
    return kExitUsage;
  }
  out.stream() << evident::write_json(read.dataset) << "\n";
  return kExitOk;
}

struct MetaArgs {
  std::string method_tau = "REML";
  bool hk = false;
  bool hk_adhoc = false;
  std::string prediction = "metafor";
  double level = 0.95;
  std::string subgroup;
  std::vector<std::string> moderators;
  bool leave_one_out = false;
  std::string cumulative;
  bool no_small_study = false;
  bool no_mh = false;
  std::string baseline = "median";
  std::optional<double> baseline_risk;
  double per = 1000.0;
};

int run_meta(const InputArgs& in, const EffectArgs& args, const MetaArgs& margs) {
  evident::ReadOptions ropts;
  if (!make_read_options(in, ropts)) return kExitUsage;
  auto tau = evident::parse_tau2_method(margs.method_tau);
  if (!tau) {
    std::cerr << "evident: error: unknown tau2 estimator '" << margs.method_tau
              << "' (expected DL, REML, ML, PM, SJ, HE, HS or EB)\n";
    return kExitUsage;
  }
  evident::PairwiseOptions popts;
  evident::MetaOptions& mopts = popts.meta;
  mopts.tau2_method = *tau;
  mopts.hartung_knapp = margs.hk || margs.hk_adhoc;
  mopts.hartung_knapp_adhoc = margs.hk_adhoc;
  mopts.prediction = margs.prediction == "higgins" ? evident::PredictionMethod::higgins2009
                     : margs.prediction == "meta"  ? evident::PredictionMethod::meta
                                                   : evident::PredictionMethod::metafor;
  mopts.level = margs.level;
  if (!margs.subgroup.empty()) popts.subgroup = margs.subgroup;
  popts.moderators = margs.moderators;
  popts.leave_one_out = margs.leave_one_out;
  if (!margs.cumulative.empty()) popts.cumulative_by = margs.cumulative;
  popts.small_study = !margs.no_small_study;
  popts.mantel_haenszel = !margs.no_mh;
  popts.baseline_source = *evident::parse_baseline_risk_source(margs.baseline);
  popts.baseline_risk = margs.baseline_risk;
  popts.absolute_per = margs.per;
  evident::ReadResult read = evident::read_file(in.file, ropts);
  evident_cli::print_diagnostics(std::cerr, read.diagnostics);
  if (!read.ok()) {
    evident_cli::print_error_summary(std::cerr, read.diagnostics);
    return kExitDataError;
  }
  std::vector<evident::PairwiseAnalysis> analyses;
  evident::Diagnostics all;
  for (const auto& o : read.dataset.outcomes) {
    if (!args.outcome.empty() && o.name != args.outcome) continue;
    evident::EffectOptions eo;
    if (!make_effect_options(args, o, eo)) return kExitUsage;
    const evident::EffectSet set = evident::compute_effects(read.dataset, o, eo);
    all.append(set.diagnostics);
    for (auto& a : evident::analyse_outcome(read.dataset, o, set, popts)) {
      all.append(a.result.diagnostics);
      all.append(a.diagnostics);
      analyses.push_back(std::move(a));
    }
  }
  evident_cli::print_diagnostics(std::cerr, all);
  if (all.has_errors()) {
    evident_cli::print_error_summary(std::cerr, all);
    return error_exit_code(all);
  }
  if (analyses.empty()) {
    std::cerr << "evident: error: no comparison to analyse in " << in.file << "\n";
    return kExitDataError;
  }
  Output out(args.output);
  if (!out.ok()) {
    std::cerr << "evident: error: cannot write '" << args.output << "'\n";
    return kExitUsage;
  }
  if (args.json)
    evident_cli::write_meta_json(out.stream(), read, analyses);
  else
    evident_cli::write_meta_text(out.stream(), read, analyses);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"evident: evidence synthesis from trial data (effect sizes, meta-analysis, network meta-analysis)"};
  app.set_version_flag("--version", std::string("evident ") + evident::kVersion);
  app.require_subcommand(1);

  InputArgs effects_in;
  EffectArgs effects_args;
  auto* effects =
      app.add_subcommand("effects", "Compute effect sizes (one contrast per pair of arms) and check the data");
  add_input_options(*effects, effects_in);
  effects->add_option("--measure", effects_args.measure, "MD, SMD, GLASS, ROM, OR, RR, RD, IRR, IRD, HR, GEN");
  effects->add_option("--outcome", effects_args.outcome, "Only this outcome (default: all)");
  auto* json_flag = effects->add_flag("--json", effects_args.json, "Write JSON");
  effects->add_flag("--csv", effects_args.csv, "Write CSV")->excludes(json_flag);
  effects->add_option("-o,--output", effects_args.output, "Write to this file instead of standard output");
  effects->add_option("--cc", effects_args.cc, "Continuity correction added to zero cells (default 0.5)")
      ->check(CLI::Range(0.0, 1e6));
  effects->add_option("--cc-where", effects_args.cc_where, "only0 (default), all, if0all, none")
      ->check(CLI::IsMember({"only0", "all", "if0all", "none"}));
  effects->add_option("--cc-method", effects_args.cc_method, "constant (default), treatment-arm, empirical")
      ->check(CLI::IsMember({"constant", "treatment-arm", "empirical"}));
  effects->add_flag("--include-all-zero", effects_args.include_all_zero,
                    "Keep studies with no events (or only events) in every arm for OR/RR");
  effects
      ->add_option("--smd-correction", effects_args.smd,
                   "exact (Hedges' g, exact J, unbiased variance: meta's default), exact-ls (exact J, "
                   "large-sample variance: metafor's default), approx (J = 1 - 3/(4m-1): RevMan 5), none "
                   "(Cohen's d)")
      ->check(CLI::IsMember({"exact", "exact-ls", "approx", "none"}));
  effects
      ->add_option("--convention", effects_args.convention,
                   "Zero-cell convention for RR/RD/IRD: meta (default; as meta and netmeta) or metafor (escalc)")
      ->check(CLI::IsMember({"meta", "metafor"}));
  effects->add_flag("--smd-pairwise", effects_args.smd_pairwise,
                    "Multi-arm SMD: each pair on its own instead of netmeta's pooled-SD convention");

  effects->add_flag("--no-convert", effects_args.no_convert,
                    "Do not derive mean/SD from median, quartiles, range or SE (those arms are then left out)");
  effects->add_flag("--impute-sd", effects_args.impute_sd,
                    "Impute missing SDs: baseline SD of the arm if given, else the SD of the other studies");
  effects
      ->add_option("--impute-sd-method", effects_args.impute_method,
                   "pooled (default: sqrt of the df-weighted mean variance) or mean (plain mean of the SDs)")
      ->check(CLI::IsMember({"pooled", "mean"}));
  effects->add_option("--impute-sd-value", effects_args.impute_value, "Impute this SD for arms without one")
      ->check(CLI::PositiveNumber);
  effects->add_option("--impute-sd-from", effects_args.carry_over,
                      "Impute a missing SD from the same arm in this outcome (e.g. a baseline or earlier time point)");

  InputArgs meta_in;
  EffectArgs meta_effects;
  MetaArgs meta_args;
  auto* meta = app.add_subcommand(
      "meta", "Pairwise meta-analysis of every comparison of every outcome (common and random effects)");
  add_input_options(*meta, meta_in);
  meta->add_option("--measure", meta_effects.measure, "MD, SMD, GLASS, ROM, OR, RR, RD, IRR, IRD, HR, GEN");
  meta->add_option("--outcome", meta_effects.outcome, "Only this outcome (default: all)");
  meta->add_flag("--json", meta_effects.json, "Write JSON");
  meta->add_option("-o,--output", meta_effects.output, "Write to this file instead of standard output");
  meta->add_option("--method-tau", meta_args.method_tau, "tau2 estimator: DL, REML (default), ML, PM, SJ, HE, HS, EB");
  meta->add_flag("--hk", meta_args.hk, "Hartung-Knapp(-Sidik-Jonkman) CI for the random-effects estimate");
  meta->add_flag("--hk-adhoc", meta_args.hk_adhoc, "Hartung-Knapp with the ad hoc variance correction max(1, q)");
  meta->add_option("--prediction", meta_args.prediction,
                   "Prediction interval: metafor (default; z, or t(k-1) with --hk), meta (t with k-1 df, R meta's "
                   "default) or higgins (t with k-2 df)")
      ->check(CLI::IsMember({"metafor", "meta", "higgins"}));
  meta->add_option("--level", meta_args.level, "Confidence level (default 0.95)")->check(CLI::Range(0.5, 0.9999));
  meta->add_option("--cc", meta_effects.cc, "Continuity correction added to zero cells (default 0.5)")
      ->check(CLI::Range(0.0, 1e6));
  meta->add_option("--smd-correction", meta_effects.smd, "exact (default), exact-ls, approx, none")
      ->check(CLI::IsMember({"exact", "exact-ls", "approx", "none"}));
  meta->add_option("--subgroup", meta_args.subgroup,
                   "Subgroup analysis by this study covariate (a column with one value per study; or year, rob)");
  meta->add_option("--moderator", meta_args.moderators,
                   "Meta-regression on this study covariate (repeat for several; numbers are continuous, "
                   "text categorical)");
  meta->add_flag("--leave-one-out", meta_args.leave_one_out, "Leave-one-out sensitivity analysis");
  meta->add_option("--cumulative", meta_args.cumulative,
                   "Cumulative meta-analysis ordered by this study field (e.g. year)");
  meta->add_flag("--no-small-study", meta_args.no_small_study,
                 "Skip Egger's and Begg's tests and trim-and-fill (run by default with 3 or more studies)");
  meta->add_flag("--no-mh", meta_args.no_mh, "Skip Mantel-Haenszel and Peto pooling of 2x2 tables");
  meta->add_option("--baseline", meta_args.baseline,
                   "Comparator risk for absolute effects (binary outcomes): median (default) or pooled "
                   "control-arm risk")
      ->check(CLI::IsMember({"median", "pooled"}));
  meta->add_option("--baseline-risk", meta_args.baseline_risk,
                   "Comparator risk for absolute effects given as a proportion (e.g. 0.2)")
      ->check(CLI::Range(0.0, 1.0));
  meta->add_option("--per", meta_args.per, "Absolute effects per this many participants (default 1000)")
      ->check(CLI::PositiveNumber);

  InputArgs check_in;
  bool check_json = false;
  auto* check = app.add_subcommand("check", "Read and validate a data file; print diagnostics and a summary");
  add_input_options(*check, check_in);
  check->add_flag("--json", check_json, "Write the diagnostics and summary as JSON");

  InputArgs convert_in;
  std::string convert_out;
  auto* convert = app.add_subcommand("convert", "Write a data file in evident's JSON format");
  add_input_options(*convert, convert_in);
  convert->add_option("-o,--output", convert_out, "Output file (default: standard output)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  if (effects->parsed()) return run_effects(effects_in, effects_args);
  if (meta->parsed()) return run_meta(meta_in, meta_effects, meta_args);
  if (check->parsed()) return run_check(check_in, check_json);
  if (convert->parsed()) return run_convert(convert_in, convert_out);
  return kExitUsage;
}
