// evident command-line interface: a thin front-end over libevident.
//
//   evident effects FILE [--measure M] [--outcome NAME] [--json|--csv] [--map col=field[:outcome]] ...
//   evident check FILE [--map ...]            read and validate, print diagnostics and a data summary
//   evident convert FILE -o OUT.json          write the data in evident's JSON format
//
// Exit codes: 0 success, 1 data errors (diagnostics printed), 2 usage errors.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "batch.hpp"
#include "certainty_cli.hpp"
#include "cli_options.hpp"
#include "cli_output.hpp"
#include "report.hpp"
#include "review.hpp"
#include "serve.hpp"
#include "evident/certainty/profile.hpp"
#include "evident/report/tables.hpp"
#include "evident/report/xlsx.hpp"
#include "evident/core/version.hpp"
#include "evident/data/json_io.hpp"
#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/effects/effects_json.hpp"
#include "evident/network/analysis.hpp"
#include "evident/network/request.hpp"
#include "evident/pairwise/analysis.hpp"
#include "evident/pairwise/request.hpp"

namespace {

using evident_cli::error_exit_code;
using evident_cli::kExitDataError;
using evident_cli::kExitOk;
using evident_cli::kExitUsage;
using evident_cli::options_ok;

/// A data file and how to read it (the library's ReadSettings, as given on the command line).
struct InputArgs {
  std::string file;
  evident::ReadSettings read;
};

/// Builds ReadOptions; returns false (after printing) on a usage error.
bool make_read_options(const InputArgs& in, evident::ReadOptions& opts) {
  evident::Diagnostics ds;
  opts = evident::make_read_options(in.read, ds);
  return options_ok(ds);
}

void add_input_options(CLI::App& cmd, InputArgs& in) { evident_cli::add_read_options(cmd, in.file, in.read); }

struct EffectArgs {
  evident::EffectSettings settings;
  bool json = false;
  bool csv = false;
  std::string output;
};

bool make_effect_options(const EffectArgs& a, const evident::Outcome& outcome, evident::EffectOptions& o) {
  evident::Diagnostics ds;
  o = evident::make_effect_options(a.settings, outcome, ds);
  return options_ok(ds);
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
    if (args.settings.outcome.empty() || o.name == args.settings.outcome) outcomes.push_back(&o);
  if (outcomes.empty()) {
    std::cerr << "evident: error: no outcome named '" << args.settings.outcome << "' in " << in.file << " (outcomes:";
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
  evident::MetaSettings meta;
  evident::PairwiseSettings pairwise;
};

/// Reads the file, computes the effect sizes of every selected outcome, runs `analyse` on each, prints
/// the diagnostics and writes the analyses (JSON or text). The exit code follows the diagnostics.
template <class Analysis, class Analyse, class WriteJson, class WriteText>
int run_outcomes(const InputArgs& in, const EffectArgs& args, const evident::ReadOptions& ropts, const char* nothing,
                 Analyse analyse, WriteJson write_json, WriteText write_text) {
  evident::ReadResult read = evident::read_file(in.file, ropts);
  evident_cli::print_diagnostics(std::cerr, read.diagnostics);
  if (!read.ok()) {
    evident_cli::print_error_summary(std::cerr, read.diagnostics);
    return kExitDataError;
  }
  std::vector<Analysis> analyses;
  evident::Diagnostics all;
  for (const auto& o : read.dataset.outcomes) {
    if (!args.settings.outcome.empty() && o.name != args.settings.outcome) continue;
    evident::EffectOptions eo;
    if (!make_effect_options(args, o, eo)) return kExitUsage;
    const evident::EffectSet set = evident::compute_effects(read.dataset, o, eo);
    all.append(set.diagnostics);
    analyse(read.dataset, o, set, analyses, all);
  }
  evident_cli::print_diagnostics(std::cerr, all);
  if (all.has_errors()) {
    evident_cli::print_error_summary(std::cerr, all);
    return error_exit_code(all);
  }
  if (analyses.empty()) {
    std::cerr << "evident: error: " << nothing << in.file << "\n";
    return kExitDataError;
  }
  Output out(args.output);
  if (!out.ok()) {
    std::cerr << "evident: error: cannot write '" << args.output << "'\n";
    return kExitUsage;
  }
  if (args.json)
    write_json(out.stream(), read, analyses);
  else
    write_text(out.stream(), read, analyses);
  return kExitOk;
}

int run_meta(const InputArgs& in, const EffectArgs& args, const MetaArgs& margs,
             const evident_cli::CertaintyArgs& cargs) {
  evident::ReadOptions ropts;
  if (!make_read_options(in, ropts)) return kExitUsage;
  evident::Diagnostics option_errors;
  const evident::PairwiseOptions popts = evident::make_pairwise_options(margs.meta, margs.pairwise, option_errors);
  if (!options_ok(option_errors)) return kExitUsage;
  evident::CertaintyJudgements judgements;
  if (!evident_cli::load_judgements(cargs, judgements)) return kExitUsage;
  const bool certainty = cargs.on || !cargs.judgements.empty();
  std::vector<nlohmann::json> grades;
  return run_outcomes<evident::PairwiseAnalysis>(
      in, args, ropts, "no comparison to analyse in ",
      [&](const evident::Dataset& data, const evident::Outcome& o, const evident::EffectSet& set,
          std::vector<evident::PairwiseAnalysis>& out, evident::Diagnostics& all) {
        for (auto& a : evident::analyse_outcome(data, o, set, popts)) {
          all.append(a.result.diagnostics);
          all.append(a.diagnostics);
          grades.push_back(certainty ? evident_cli::pairwise_certainty(a, data, judgements, all) : nlohmann::json());
          out.push_back(std::move(a));
        }
      },
      [&](std::ostream& os, const evident::ReadResult& read, const std::vector<evident::PairwiseAnalysis>& as) {
        evident_cli::write_meta_json(os, read, as, &grades);
      },
      [&](std::ostream& os, const evident::ReadResult& read, const std::vector<evident::PairwiseAnalysis>& as) {
        evident_cli::write_meta_text(os, read, as);
        for (std::size_t i = 0; certainty && i < as.size(); ++i) {
          os << fmt::format("\n{}: {} vs {}\n", as[i].outcome, as[i].comparison.treat1, as[i].comparison.treat2);
          evident_cli::write_certainty_text(os, grades[i]);
        }
      });
}

int run_nma(const InputArgs& in, const EffectArgs& args, const evident::NetworkSettings& settings,
            const evident_cli::CertaintyArgs& cargs) {
  evident::ReadOptions ropts;
  if (!make_read_options(in, ropts)) return kExitUsage;
  evident::Diagnostics option_errors;
  evident::NetworkOptions nopts = evident::make_network_options(settings, option_errors);
  if (!options_ok(option_errors)) return kExitUsage;
  evident::CertaintyJudgements judgements;
  if (!evident_cli::load_judgements(cargs, judgements)) return kExitUsage;
  const bool certainty = cargs.on || !cargs.judgements.empty();
  if (certainty) {  // CINeMA needs the contribution matrix, netsplit and the decomposition
    nopts.contribution = nopts.netsplit = nopts.decomposition = true;
  }
  std::vector<nlohmann::json> cinemas;
  return run_outcomes<evident::NetworkAnalysis>(
      in, args, ropts, "no outcome to analyse in ",
      [&](const evident::Dataset& data, const evident::Outcome& o, const evident::EffectSet& set,
          std::vector<evident::NetworkAnalysis>& out, evident::Diagnostics& all) {
        for (auto& a : evident::analyse_network_outcome(o, set, nopts)) {
          all.append(a.nma.diagnostics);
          all.append(a.diagnostics);
          cinemas.push_back(certainty && a.nma.ok() ? evident_cli::network_certainty(a, data, o, cargs, judgements, all)
                                                    : nlohmann::json());
          out.push_back(std::move(a));
        }
      },
      [&](std::ostream& os, const evident::ReadResult& read, const std::vector<evident::NetworkAnalysis>& as) {
        evident_cli::write_nma_json(os, read, as, &cinemas);
      },
      [&](std::ostream& os, const evident::ReadResult& read, const std::vector<evident::NetworkAnalysis>& as) {
        evident_cli::write_nma_text(os, read, as);
        for (std::size_t i = 0; certainty && i < as.size(); ++i) {
          os << fmt::format("\nOutcome '{}'\n", as[i].outcome);
          evident_cli::write_certainty_text(os, cinemas[i]);
        }
      });
}

/// `evident profile FILE`: summary-of-findings tables and recommendation drafts from an evidence profile
/// of pooled estimates (docs/methods/certainty.md).
int run_profile(const std::string& file, bool json, bool csv, const std::string& xlsx, const std::string& output) {
  const evident::EvidenceProfile profile = evident::read_profile_file(file);
  evident_cli::print_diagnostics(std::cerr, profile.diagnostics);
  const std::vector<evident::QuestionReport> reports = evident::evaluate_profile(profile);
  if (reports.empty()) {
    evident_cli::print_error_summary(std::cerr, profile.diagnostics);
    std::cerr << "evident: error: no question without errors in " << file << "\n";
    return kExitDataError;
  }
  Output out(output);
  if (!out.ok()) {
    std::cerr << "evident: error: cannot write '" << output << "'\n";
    return kExitUsage;
  }
  std::vector<evident::report::Table> tables;
  for (const auto& r : reports) tables.push_back(evident::report::make_sof_table(r.sof, "sof-" + r.id));
  if (!xlsx.empty()) {
    const evident::Diagnostics d = evident::report::write_xlsx(tables, xlsx);
    evident_cli::print_diagnostics(std::cerr, d);
    if (d.has_errors()) return kExitUsage;
  }
  if (json) {
    out.stream() << evident::to_json(reports).dump(2) << "\n";
  } else if (csv) {
    evident::report::CsvOptions co;
    co.title = co.footnotes = true;
    for (std::size_t i = 0; i < tables.size(); ++i) out.stream() << (i ? "\r\n" : "") << evident::report::to_csv(tables[i], co);
  } else {
    out.stream() << evident::render_text(reports);
  }
  return profile.ok() ? kExitOk : kExitDataError;
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
  effects->add_option("--measure", effects_args.settings.measure, "MD, SMD, GLASS, ROM, OR, RR, RD, IRR, IRD, HR, GEN");
  effects->add_option("--outcome", effects_args.settings.outcome, "Only this outcome (default: all)");
  auto* json_flag = effects->add_flag("--json", effects_args.json, "Write JSON");
  effects->add_flag("--csv", effects_args.csv, "Write CSV")->excludes(json_flag);
  effects->add_option("-o,--output", effects_args.output, "Write to this file instead of standard output");
  effects->add_option("--cc", effects_args.settings.cc, "Continuity correction added to zero cells (default 0.5)")
      ->check(CLI::Range(0.0, 1e6));
  effects->add_option("--cc-where", effects_args.settings.cc_where, "only0 (default), all, if0all, none")
      ->check(CLI::IsMember({"only0", "all", "if0all", "none"}));
  effects->add_option("--cc-method", effects_args.settings.cc_method, "constant (default), treatment-arm, empirical")
      ->check(CLI::IsMember({"constant", "treatment-arm", "empirical"}));
  effects->add_flag("--include-all-zero", effects_args.settings.include_all_zero,
                    "Keep studies with no events (or only events) in every arm for OR/RR");
  effects
      ->add_option("--smd-correction", effects_args.settings.smd,
                   "exact (Hedges' g, exact J, unbiased variance: meta's default), exact-ls (exact J, "
                   "large-sample variance: metafor's default), approx (J = 1 - 3/(4m-1): RevMan 5), none "
                   "(Cohen's d)")
      ->check(CLI::IsMember({"exact", "exact-ls", "approx", "none"}));
  effects
      ->add_option("--convention", effects_args.settings.convention,
                   "Zero-cell convention for RR/RD/IRD: meta (default; as meta and netmeta) or metafor (escalc)")
      ->check(CLI::IsMember({"meta", "metafor"}));
  effects->add_flag("--smd-pairwise", effects_args.settings.smd_pairwise,
                    "Multi-arm SMD: each pair on its own instead of netmeta's pooled-SD convention");

  effects->add_flag("--no-convert", effects_args.settings.no_convert,
                    "Do not derive mean/SD from median, quartiles, range or SE (those arms are then left out)");
  effects->add_flag("--impute-sd", effects_args.settings.impute_sd,
                    "Impute missing SDs: baseline SD of the arm if given, else the SD of the other studies");
  effects
      ->add_option("--impute-sd-method", effects_args.settings.impute_method,
                   "pooled (default: sqrt of the df-weighted mean variance) or mean (plain mean of the SDs)")
      ->check(CLI::IsMember({"pooled", "mean"}));
  effects->add_option("--impute-sd-value", effects_args.settings.impute_value, "Impute this SD for arms without one")
      ->check(CLI::PositiveNumber);
  effects->add_option("--impute-sd-from", effects_args.settings.carry_over,
                      "Impute a missing SD from the same arm in this outcome (e.g. a baseline or earlier time point)");

  InputArgs meta_in;
  EffectArgs meta_effects;
  MetaArgs meta_args;
  evident_cli::CertaintyArgs meta_certainty;
  auto* meta = app.add_subcommand(
      "meta", "Pairwise meta-analysis of every comparison of every outcome (common and random effects)");
  add_input_options(*meta, meta_in);
  meta->add_option("--measure", meta_effects.settings.measure, "MD, SMD, GLASS, ROM, OR, RR, RD, IRR, IRD, HR, GEN");
  meta->add_option("--outcome", meta_effects.settings.outcome, "Only this outcome (default: all)");
  meta->add_flag("--json", meta_effects.json, "Write JSON");
  meta->add_option("-o,--output", meta_effects.output, "Write to this file instead of standard output");
  meta->add_option("--method-tau", meta_args.meta.method_tau,
                   "tau2 estimator: DL, REML (default), ML, PM, SJ, HE, HS, EB");
  meta->add_flag("--hk", meta_args.meta.hk, "Hartung-Knapp(-Sidik-Jonkman) CI for the random-effects estimate");
  meta->add_flag("--hk-adhoc", meta_args.meta.hk_adhoc, "Hartung-Knapp with the ad hoc variance correction max(1, q)");
  meta->add_option("--prediction", meta_args.meta.prediction,
                   "Prediction interval: metafor (default; z, or t(k-1) with --hk), meta (t with k-1 df, R meta's "
                   "default) or higgins (t with k-2 df)")
      ->check(CLI::IsMember({"metafor", "meta", "higgins"}));
  meta->add_option("--level", meta_args.meta.level, "Confidence level (default 0.95)")->check(CLI::Range(0.5, 0.9999));
  meta->add_option("--cc", meta_effects.settings.cc, "Continuity correction added to zero cells (default 0.5)")
      ->check(CLI::Range(0.0, 1e6));
  meta->add_option("--smd-correction", meta_effects.settings.smd, "exact (default), exact-ls, approx, none")
      ->check(CLI::IsMember({"exact", "exact-ls", "approx", "none"}));
  meta->add_option("--subgroup", meta_args.pairwise.subgroup,
                   "Subgroup analysis by this study covariate (a column with one value per study; or year, rob)");
  meta->add_option("--moderator", meta_args.pairwise.moderators,
                   "Meta-regression on this study covariate (repeat for several; numbers are continuous, "
                   "text categorical)");
  meta->add_flag("--leave-one-out", meta_args.pairwise.leave_one_out, "Leave-one-out sensitivity analysis");
  meta->add_option("--cumulative", meta_args.pairwise.cumulative,
                   "Cumulative meta-analysis ordered by this study field (e.g. year)");
  meta->add_flag("--no-small-study", meta_args.pairwise.no_small_study,
                 "Skip Egger's and Begg's tests and trim-and-fill (run by default with 3 or more studies)");
  meta->add_flag("--no-mh", meta_args.pairwise.no_mh, "Skip Mantel-Haenszel and Peto pooling of 2x2 tables");
  meta->add_option("--baseline", meta_args.pairwise.baseline,
                   "Comparator risk for absolute effects (binary outcomes): median (default) or pooled "
                   "control-arm risk")
      ->check(CLI::IsMember({"median", "pooled"}));
  meta->add_option("--baseline-risk", meta_args.pairwise.baseline_risk,
                   "Comparator risk for absolute effects given as a proportion (e.g. 0.2)")
      ->check(CLI::Range(0.0, 1.0));
  evident_cli::add_certainty_options(*meta, meta_certainty, false);
  meta->add_option("--per", meta_args.pairwise.per, "Absolute effects per this many participants (default 1000)")
      ->check(CLI::PositiveNumber);

  InputArgs nma_in;
  EffectArgs nma_effects;
  evident::NetworkSettings nma_args;
  evident_cli::CertaintyArgs nma_certainty;
  auto* nma = app.add_subcommand("nma", "Network meta-analysis of every outcome (common and random effects, rankings)");
  add_input_options(*nma, nma_in);
  nma->add_option("--measure", nma_effects.settings.measure, "MD, SMD, ROM, OR, RR, RD, IRR, IRD, HR, GEN");
  nma->add_option("--outcome", nma_effects.settings.outcome, "Only this outcome (default: all)");
  nma->add_flag("--json", nma_effects.json, "Write JSON");
  nma->add_option("-o,--output", nma_effects.output, "Write to this file instead of standard output");
  nma->add_option("--reference", nma_args.reference,
                  "Reference treatment (default: the first in netmeta's order); also picks the subnetwork analysed");
  nma->add_option("--method-tau", nma_args.method_tau, "tau2 estimator: DL (default, generalised) or REML");
  nma->add_option("--level", nma_args.level, "Confidence level (default 0.95)")->check(CLI::Range(0.5, 0.9999));
  nma->add_option("--nsim", nma_args.nsim, "Rankogram simulations (default 1000; 0 = none)");
  nma->add_option("--seed", nma_args.seed, "Seed of the rankogram simulations (default 1)");
  nma->add_option("--netsplit", nma_args.netsplit,
                  "Direct vs indirect evidence: back-calculation (default) or sidde (netmeta netsplit methods)")
      ->check(CLI::IsMember({"back-calculation", "sidde"}));
  nma->add_option("--funnel-order", nma_args.funnel_order,
                  "Treatment order of the comparison-adjusted funnel plot, e.g. placebo then oldest to newest "
                  "(default: the reference first)")
      ->delimiter(',');
  nma->add_option("--contribution", nma_args.contribution,
                  "Contribution matrix method: random-walk (default, Davies 2022) or shortest-path "
                  "(Papakonstantinou 2018, netmeta's default)")
      ->check(CLI::IsMember({"random-walk", "shortest-path"}));
  nma->add_option("--skip", nma_args.skip,
                  "Parts not to compute, comma-separated: netsplit, decomposition, rankogram, flow, heat, "
                  "contribution, league, funnel")
      ->delimiter(',')
      ->check(CLI::IsMember({"netsplit", "decomposition", "rankogram", "flow", "heat", "contribution", "league",
                             "funnel"}));
  nma->add_flag("--full", nma_args.full,
                "Compute the evidence-flow, net heat and contribution matrices whatever their size (default: "
                "left out, with a note, above 2 million cells)");
  nma->add_flag("--each-subnetwork", nma_args.each_subnetwork,
                "Analyse every subnetwork of a disconnected network on its own (default: the one holding the "
                "reference, else the largest)");
  evident_cli::add_certainty_options(*nma, nma_certainty, true);
  nma->add_option("--cc", nma_effects.settings.cc, "Continuity correction added to zero cells (default 0.5)")
      ->check(CLI::Range(0.0, 1e6));
  nma->add_option("--smd-correction", nma_effects.settings.smd, "exact (default), exact-ls, approx, none")
      ->check(CLI::IsMember({"exact", "exact-ls", "approx", "none"}));

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

  std::string profile_file, profile_out;
  bool profile_json = false;
  auto* profile = app.add_subcommand(
      "profile", "Summary of findings and a recommendation draft from an evidence profile of pooled estimates (JSON)");
  profile->add_option("file", profile_file, "Evidence profile (JSON; see docs/methods/certainty.md)")->required();
  profile->add_flag("--json", profile_json, "Write JSON");
  bool profile_csv = false;
  std::string profile_xlsx;
  profile->add_flag("--csv", profile_csv, "Write the summary-of-findings tables as CSV");
  profile->add_option("--xlsx", profile_xlsx, "Also write the summary-of-findings tables to this Excel workbook");
  profile->add_option("-o,--output", profile_out, "Write to this file instead of standard output");

  evident_cli::BatchCommand batch(app);
  evident_cli::ReportCommand report(app);
  evident_cli::ReviewCommand review(app);
  evident_cli::ServeCommand serve(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  if (effects->parsed()) return run_effects(effects_in, effects_args);
  if (meta->parsed()) return run_meta(meta_in, meta_effects, meta_args, meta_certainty);
  if (check->parsed()) return run_check(check_in, check_json);
  if (convert->parsed()) return run_convert(convert_in, convert_out);
  if (batch.parsed()) return batch.run();
  if (report.parsed()) return report.run();
  if (review.parsed()) return review.run();
  if (serve.parsed()) return serve.run();
  if (nma->parsed()) return run_nma(nma_in, nma_effects, nma_args, nma_certainty);
  if (profile->parsed()) return run_profile(profile_file, profile_json, profile_csv, profile_xlsx, profile_out);
  return kExitUsage;
}
