// evident: league table of a network meta-analysis (netmeta netleague() parity).
//
// A k x k table (Hutton et al. 2015, "The PRISMA extension statement for reporting of systematic reviews
// incorporating network meta-analyses", Ann Intern Med 162:777-784, doi:10.7326/M14-2385) with the
// treatments on the diagonal, in the order `seq` (default NmaResult::treatments, netmeta's x$seq for an
// unordered netmeta() call). Orientation exactly as netmeta 3.4-0 R/netleague.R (step "(6) Comparisons
// are column versus row" transposes every matrix, and the upper triangle is taken from the transpose of
// the second table):
//  - netleague(x) (LeagueLayout::network_direct, the default): LOWER triangle, cell [r, c] (r > c) = the
//    network estimate of the COLUMN treatment versus the ROW treatment, TE[c, r]; UPPER triangle, cell
//    [r, c] (r < c) = the direct estimate of the ROW treatment versus the COLUMN treatment,
//    TE.direct[r, c], missing (kind empty, "." when printed) without direct evidence. So cells [1, 2] and
//    [2, 1] are both treatment 1 versus treatment 2 (netleague help page: "the results reported in the
//    first row and second column as well as second row and first column are from the pairwise comparison
//    A versus B").
//  - netleague(x, x) (network_network): netmeta notices x and y are the same object and transposes y
//    first, so the upper triangle is column versus row too, TE[c, r]: the reciprocal of the lower
//    triangle's comparison (help page: "reciprocal treatment estimates will be shown in the upper
//    triangle"). netleague(x, x, direct = TRUE) (direct_direct) does the same with direct estimates in
//    both triangles.
//  - netleague(x, y) for two outcomes (the overload with two NMAs): lower triangle from x, column versus
//    row, upper triangle from y, ROW versus column; network estimates in both (network_network) or direct
//    estimates in both (direct_direct, netleague(x, y, direct = TRUE)). network_direct (x network, y
//    direct) has no netleague equivalent but follows the same rules.
// Estimates are those of NmaResult::common / ::random (TE, lower, upper) and of netsplit.hpp's
// direct_estimates() (common: tau2 = 0; random: the network's tau2, as netmeta), the CI of a direct
// estimate TE +/- z_{(1+level)/2} se (netmeta ci()). For ratio measures with backtransf (netmeta's
// default) every number is exp()'d, so a cell shows the ratio and its CI; the orientation does not
// change. The table is on the seq order: cell [r, c] uses treatments seq[r], seq[c].
//
// Formatting (format_league) as netleague(): estimate and limits rounded to `digits` (R round(); meta's
// default digits = 4), the estimate printed with exactly `digits` decimals (meta formatN()), the limits by
// R's format() of the whole rounded lower (resp. upper) matrix (meta formatCI() with CIlower.blank /
// CIupper.blank = TRUE: common number of decimals - at most `digits`, fewer when no limit needs them -
// and common width, right-justified), joined as "TE [lower; upper]" (meta's default bracket "[" and
// separator "; "), "." (text_na) for missing cells, the treatment names on the diagonal. This follows
// meta 8.3's formatN/formatCI source; it could not be compared with netleague output on this machine
// (netmeta/meta are not installed); R format()'s switch to scientific notation (when narrower) is
// followed for the limits.
//
// Checked: every cell equals the NmaResult / netsplit matrices exactly (tests/unit/network/league_test.cpp).
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evident/core/diagnostic.hpp"
#include "evident/network/nma.hpp"

namespace evident {

enum class LeagueLayout {
  network_direct,   ///< netleague(x): lower network (column vs row), upper direct (row vs column)
  network_network,  ///< netleague(x, x) / netleague(x, y): network estimates in both triangles
  direct_direct,    ///< netleague(x, x, direct = TRUE) / netleague(x, y, direct = TRUE)
};
enum class LeagueCellKind { treatment, network, direct, empty };

const char* to_string(LeagueLayout l);
const char* to_string(LeagueCellKind k);

struct LeagueOptions {
  NmaModelKind model = NmaModelKind::random;
  LeagueLayout layout = LeagueLayout::network_direct;
  /// Order of rows and columns (netmeta `seq`): every treatment once (names matched as in funnel.hpp:
  /// exact, case-insensitive, unique prefix). Empty: NmaResult::treatments.
  std::vector<std::string> seq;
  /// The NMA is on the log scale (OR, RR, HR, IRR, ROM: is_ratio(measure)).
  bool ratio_measure = false;
  /// With ratio_measure: exp() every estimate and limit (netmeta backtransf = TRUE, the default).
  bool backtransf = true;
};

struct LeagueCell {
  LeagueCellKind kind = LeagueCellKind::empty;
  /// The estimate is treat1 versus treat2 (diagonal: both are the treatment; empty: still the pair).
  std::string treat1, treat2;
  double estimate = 0.0, lower = 0.0, upper = 0.0;  ///< NaN for treatment and empty cells
};

/// k x k matrices on the printed scale, in seq order.
struct LeagueMatrices {
  Eigen::MatrixXd TE, lower, upper;
};

struct LeagueTable {
  NmaModelKind model = NmaModelKind::random;
  LeagueLayout layout = LeagueLayout::network_direct;
  bool two_outcomes = false;                   ///< built from two NMAs (netleague(x, y))
  bool backtransformed = false;                ///< numbers are exp()'d ratios
  std::vector<std::string> treatments;         ///< rows and columns, in seq order
  std::vector<std::vector<LeagueCell>> cells;  ///< [row][column]
  std::string lower_triangle, upper_triangle;  ///< what each triangle shows, as netleague's details
  /// The whole matrices the triangles are read from, oriented so that lower_source(r, c) is cell [r, c]
  /// for r > c and upper_source(r, c) is cell [r, c] for r < c (netleague formats the limits of a whole
  /// matrix at once, so format_league needs the cells not shown too).
  LeagueMatrices lower_source, upper_source;
  Diagnostics diagnostics;
  [[nodiscard]] bool ok() const { return !diagnostics.has_errors(); }
};

/// netleague(x) (layout network_direct) or netleague(x, x[, direct = TRUE]) of one NMA (which must be ok()).
LeagueTable league_table(const NmaResult& nma, const LeagueOptions& options = {});

/// netleague(x, y) of two NMAs of the same treatments (e.g. efficacy and safety): lower triangle from
/// x (column vs row), upper triangle from y (row vs column). options.seq and treatment names refer to x;
/// options.ratio_measure applies to both (as netmeta, which back-transforms both with x$sm).
LeagueTable league_table(const NmaResult& x, const NmaResult& y, const LeagueOptions& options = {});

struct LeagueFormat {
  int digits = 4;             ///< meta gs("digits")
  bool ci = true;             ///< show the confidence interval
  std::string text_na = ".";  ///< missing cells
  std::string bracket = "[";  ///< "[", "(", "{" or "" (meta cilayout())
  std::string separator = "; ";
  bool pad_limits = true;  ///< meta CIlower.blank / CIupper.blank: limits padded to a common width
};

/// The cells as netleague() formats them: [row][column] strings.
std::vector<std::vector<std::string>> format_league(const LeagueTable& table, const LeagueFormat& format = {});

/// The formatted table as text, columns right-aligned and separated by a space (print.netleague's
/// prmatrix(right = TRUE) layout, without the empty header line).
std::string league_text(const LeagueTable& table, const LeagueFormat& format = {});

/// The formatted table as CSV, every field quoted, no header (netleague's documented
/// write.table(row.names = FALSE, col.names = FALSE, sep = ",")).
std::string league_csv(const LeagueTable& table, const LeagueFormat& format = {});

/// Resolve user-given treatment names against `treatments`: exact match, else a unique case-insensitive
/// match, else a unique case-insensitive prefix (netmeta setseq()). Unknown, ambiguous or repeated names
/// are error diagnostics (code "<what>-unknown-treatment", ...); the result then holds only the names that
/// matched. Returns indices into `treatments`.
std::vector<std::size_t> match_treatment_names(const std::vector<std::string>& names,
                                               const std::vector<std::string>& treatments, const std::string& what,
                                               Diagnostics& out);

/// JSON: model, layout, two_outcomes, backtransformed, treatments, lower_triangle, upper_triangle,
/// cells ([row][column] {kind, treat1, treat2, estimate, lower, upper}, NaN as null), diagnostics.
nlohmann::json to_json(const LeagueTable& table);

}  // namespace evident
