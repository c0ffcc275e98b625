// evident: one analysis request, as `evident batch` reads them (one JSON object per line, JSON Lines).
//
// A request is either effect sizes of one comparison,
//   {"id": <any JSON, echoed>, "yi": [numbers], "vi": [numbers] | "sei": [numbers],
//    "study": [labels, optional], "options": {meta options}}
// or trial data in any shape evident reads, analysed as `evident meta` would analyse the file:
//   {"id": ..., "data": <evident dataset JSON object, docs/schema/dataset.schema.json>, "options": {...}}
//   {"id": ..., "csv": "<CSV text: long, wide, contrast, two-group, CINeMA, MetaInsight>", "options": {...}}
//
// With "analysis": "nma" a data or csv request is a network meta-analysis of every outcome, as
// `evident nma` runs it (evident/network/request.hpp runs it; this file only reads it).
//
// Options carry the names of the meta command's flags with '_' for '-' (either spelling is read):
//   meta options (every request):  method_tau ("REML"; DL, REML, ML, PM, SJ, HE, HS, EB), hk (false),
//     hk_adhoc (false), prediction ("metafor"; meta, higgins = higgins2009), level (0.95), tau2_ci (true)
//   extra analyses ("data" and "csv" only, as `evident meta`):  subgroup (covariate), moderator (covariate
//     or array), leave_one_out (false), cumulative (study field), no_small_study (false), no_mh (false),
//     baseline ("median"; pooled), baseline_risk (proportion), per (1000)
//   effect options ("data" and "csv" only):  measure (default of the outcome), outcome (all), cc (0.5),
//     cc_where ("only0"; all, if0all, none), cc_method ("constant"; treatment-arm, empirical),
//     include_all_zero (false), smd_correction ("exact"; exact-ls, approx, none), convention ("meta";
//     metafor), smd_pairwise (false), no_convert (false), impute_sd (false), impute_sd_method ("pooled";
//     mean), impute_sd_value (number), impute_sd_from (outcome name)
//   reading options ("data" and "csv" only):  map ("column=field[:outcome]" or an array of them), type
//     (binary, continuous, contrast, time-to-event, rate), outcome_name ("outcome" for CSV text),
//     small_values (desirable, undesirable), mid (number > 0)
//   network options ("analysis": "nma" only, with method_tau (default DL; DL or REML), level and the
//     effect and reading options):  reference, nsim (1000), seed (1), netsplit ("back-calculation";
//     sidde), each_subnetwork (false), funnel_order (treatment names), contribution ("random-walk";
//     shortest-path). The meta-only options (hk, hk_adhoc, prediction, tau2_ci and the
//     extra analyses) are errors in an NMA request.
// An unknown key, a key of the wrong kind of request or a value of the wrong type is an error naming it.
//
// Result record (one line, keys in this order):
//   {"line": n, "id": ..., "ok": true, "analyses": [...], "diagnostics": [...]}
//   {"line": n, "id": ..., "ok": false, "diagnostics": [...]}
// "analyses" holds to_json(MetaResult) (evident/pairwise/meta_analysis_json.hpp) for a yi/vi request and
// to_json(PairwiseAnalysis) (evident/pairwise/analysis.hpp) for every outcome x comparison of a data/csv
// request, exactly as `evident meta --json` writes them. "diagnostics" (evident/core/diagnostic_json.hpp)
// holds the problems of reading and of the effect sizes (warnings and notes when ok, every problem
// including the analyses' own when not). Diagnostics without a place of their own are placed at the
// request's line; those of inline CSV or dataset text name the file "FILE:LINE:csv" / "FILE:LINE:data"
// with line:column inside that text.
//
// Nothing here throws on user input or does I/O; the numbers are those of meta_analysis() and
// analyse_outcome() (checked against metafor 3.8-1 as stated there). tests/unit/pairwise/request_test.cpp
// checks yi/vi, CSV and dataset requests on dat.bcg against metafor 3.8-1 rma() / confint() / predict()
// to 1e-10 (relative, absolute below 1). Documentation: docs/methods/batch.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"
#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident/pairwise/analysis.hpp"
#include "evident/pairwise/meta_analysis.hpp"

namespace evident {

// ---- option settings by their command-line names, shared by the CLI and requests ----

/// Reading options as given (`--map`, `--format`, `--type`, `--outcome-name`, `--treatment-labels`,
/// `--small-values`, `--mid`).
struct ReadSettings {
  std::vector<std::string> maps;  ///< "column=field[:outcome]"
  std::string format = "auto";    ///< auto, csv, json, revman5
  std::string type;               ///< outcome type name, empty = inferred
  std::string outcome_name;
  std::string treatment_labels;  ///< path of a MetaInsight "Number,Label" file, empty = none
  std::string small_values;      ///< "", "desirable", "undesirable"
  std::optional<double> mid;
};

/// Effect-size options as given (`--measure`, `--outcome`, `--cc`, ... of `evident effects` / `meta`).
struct EffectSettings {
  std::string measure;  ///< empty = the outcome's default measure
  std::string outcome;  ///< empty = every outcome
  double cc = 0.5;
  std::string cc_where = "only0";      ///< only0, all, if0all, none
  std::string cc_method = "constant";  ///< constant, treatment-arm, empirical
  bool include_all_zero = false;
  std::string smd = "exact";        ///< exact, exact-ls, approx, none
  std::string convention = "meta";  ///< meta, metafor
  bool smd_pairwise = false;
  bool no_convert = false;
  bool impute_sd = false;
  std::string impute_method = "pooled";  ///< pooled, mean
  std::optional<double> impute_value;
  std::string carry_over;  ///< outcome to impute missing SDs from
};

/// Meta-analysis options as given (`--method-tau`, `--hk`, `--hk-adhoc`, `--prediction`, `--level`).
struct MetaSettings {
  std::string method_tau = "REML";
  bool hk = false;
  bool hk_adhoc = false;
  std::string prediction = "metafor";  ///< metafor, higgins (= higgins2009)
  double level = 0.95;
  bool tau2_ci = true;
};

/// The extra analyses of `evident meta` as given (`--subgroup`, `--moderator`, `--leave-one-out`,
/// `--cumulative`, `--no-small-study`, `--no-mh`, `--baseline`, `--baseline-risk`, `--per`).
struct PairwiseSettings {
  std::string subgroup;
  std::vector<std::string> moderators;
  bool leave_one_out = false;
  std::string cumulative;
  bool no_small_study = false;
  bool no_mh = false;
  std::string baseline = "median";  ///< median, pooled
  std::optional<double> baseline_risk;
  double per = 1000.0;
};

/// The options the settings name. Every value that is not understood adds an error with code
/// "invalid-option", field = the option's name (as in a request, e.g. "method_tau"), a message naming
/// the value ("unknown tau2 estimator 'XX'") and a hint listing the valid values ("expected DL, REML,
/// ML, PM, SJ, HE, HS or EB"); the CLI prints them as "evident: error: MESSAGE (HINT)".
ReadOptions make_read_options(const ReadSettings& settings, Diagnostics& diagnostics);
/// `outcome` gives the default measure when settings.measure is empty.
EffectOptions make_effect_options(const EffectSettings& settings, const Outcome& outcome, Diagnostics& diagnostics);
MetaOptions make_meta_options(const MetaSettings& settings, Diagnostics& diagnostics);
/// The meta options with the extra analyses (what analyse_outcome() runs for `evident meta`).
PairwiseOptions make_pairwise_options(const MetaSettings& meta, const PairwiseSettings& settings,
                                      Diagnostics& diagnostics);

/// Network meta-analysis options as given (`evident nma --reference`, `--method-tau`, `--level`,
/// `--nsim`, `--seed`, `--netsplit`, `--each-subnetwork`); turned into NetworkOptions by
/// make_network_options() (evident/network/request.hpp).
struct NetworkSettings {
  std::string reference;  ///< empty = netmeta's default (the first treatment)
  std::string method_tau = "DL";
  double level = 0.95;
  std::size_t nsim = 1000;
  std::uint64_t seed = 1;
  std::string netsplit = "back-calculation";  ///< back-calculation, sidde
  bool each_subnetwork = false;
  std::vector<std::string> funnel_order;             ///< empty: the reference first
  std::string contribution = "random-walk";          ///< random-walk, shortest-path
  /// Parts not to compute: netsplit, decomposition, rankogram, flow, heat, contribution, league, funnel.
  std::vector<std::string> skip;
  /// Compute the per-comparison matrices (evidence flow H_tilde, net heat, contribution) whatever
  /// their size (default: skipped with a note above NetworkOptions::matrix_cells_limit cells).
  bool full = false;
};

// ---- requests ----

enum class RequestKind {
  effects,  ///< yi with vi or sei
  data,     ///< evident dataset JSON
  csv,      ///< CSV text
};

/// What a request asks for: `"analysis": "meta"` (the default) or `"nma"`.
enum class AnalysisKind { meta, nma };

struct AnalysisRequest {
  RequestKind kind = RequestKind::effects;
  AnalysisKind analysis = AnalysisKind::meta;
  MetaInput input;         ///< effects: yi, vi (sei squared) and study labels
  std::string text;        ///< data: the dataset JSON text; csv: the CSV text
  std::string name;        ///< file name given to the reader of `text` in diagnostics ("FILE:LINE:csv")
  ReadSettings read;       ///< data / csv only (format is set from the kind)
  EffectSettings effects;  ///< data / csv only
  MetaSettings meta;
  PairwiseSettings pairwise;  ///< data / csv only
  NetworkSettings network;    ///< "analysis": "nma" only (method_tau and level come from `network`)
};

struct ParsedRequest {
  nlohmann::json id;                       ///< the request's "id" (null when absent or unreadable)
  std::optional<AnalysisRequest> request;  ///< empty when `diagnostics` has errors
  Diagnostics diagnostics;
};

/// Reads one JSON Lines record. `where` is the record's place (file and line) for diagnostics; columns
/// of malformed JSON are 1-based within the line. Collects every problem of the record.
ParsedRequest parse_request(std::string_view line, const SourceLocation& where);

struct RequestResult {
  nlohmann::json id;
  /// effects requests: one analysis with an empty outcome and comparison; data / csv requests: one per
  /// outcome x comparison. Empty when the request failed.
  std::vector<PairwiseAnalysis> analyses;
  RequestKind kind = RequestKind::effects;
  /// Problems of options, reading and effect sizes; when the request failed, also those of the analyses.
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors() && !analyses.empty(); }
};

/// Runs a parsed request: meta_analysis() of the effect sizes, or reading + compute_effects() +
/// analyse_outcome() for data and CSV (as `evident meta` does), with the request's options. Diagnostics without a
/// location get `where`.
RequestResult run_request(const AnalysisRequest& request, const SourceLocation& where);

/// For a data / csv request: reads the data and computes the effect sizes of every selected outcome, calling
/// `analyse` on each. Problems of options, reading and effect sizes (and an outcome that is not there) go to
/// `diagnostics`, placed at `where`; false when reading failed or no outcome was selected.
bool for_each_request_outcome(const AnalysisRequest& request, const SourceLocation& where, Diagnostics& diagnostics,
                              const std::function<void(const Dataset&, const Outcome&, const EffectSet&)>& analyse);

/// One result record (no newline): the analyses when `analyses` is given ("ok": true), else "ok": false.
std::string format_request_record(std::size_t line, const nlohmann::json& id, const std::vector<nlohmann::json>* analyses,
                                  const Diagnostics& diagnostics);

/// The result record of input line `line` as one line of JSON (no newline), keys in the order above.
std::string format_request_result(const RequestResult& result, std::size_t line);

/// One answered line.
struct RequestLine {
  std::string json;  ///< the result record, one line of JSON without newline
  bool ok = false;
};

/// run_request + format_request_result of a parsed line (its diagnostics when it could not be parsed).
RequestLine answer_request(ParsedRequest parsed, std::size_t line_number, const SourceLocation& where);

/// parse_request + answer_request: the answer to input line `line_number` of `file` (a pairwise request;
/// "analysis": "nma" requests need process_batch_line() of evident/network/request.hpp).
RequestLine process_request_line(std::string_view line, std::size_t line_number, const std::string& file);

/// True when the line holds only blank characters (such lines are skipped, not answered).
bool is_blank_line(std::string_view line);

}  // namespace evident
