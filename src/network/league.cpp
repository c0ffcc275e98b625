// evident: league table of a network meta-analysis (netmeta netleague parity). See league.hpp for the
// orientation rules and references.
#include "evident/network/league.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "evident/core/diagnostic_json.hpp"
#include "evident/core/distributions.hpp"
#include "evident/core/json_number.hpp"
#include "evident/network/netsplit.hpp"

namespace evident {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Index = Eigen::Index;

Index ix(std::size_t i) {
  return static_cast<Index>(i);
}

std::string lower_case(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

/// TE, lower, upper of one model of an NMA: network or direct estimates, on the analysis scale.
LeagueMatrices source_of(const NmaResult& nma, NmaModelKind model, bool direct) {
  const NmaModel& m = model == NmaModelKind::common ? nma.common : nma.random;
  if (!direct) return LeagueMatrices{m.TE, m.lower, m.upper};
  const double tau2 = model == NmaModelKind::random && std::isfinite(nma.tau2) ? nma.tau2 : 0.0;
  const DirectEstimates d = direct_estimates(nma, tau2);
  const double z = stats::normal_upper_quantile((1.0 - nma.level) / 2.0);
  LeagueMatrices out{d.TE, d.TE - z * d.seTE, d.TE + z * d.seTE};
  return out;
}

/// Rows and columns in the order `perm` (indices into the NMA's treatments), optionally transposed.
LeagueMatrices permuted(const LeagueMatrices& m, const std::vector<std::size_t>& perm, bool transpose, bool exp_scale) {
  const Index k = ix(perm.size());
  LeagueMatrices out{Eigen::MatrixXd(k, k), Eigen::MatrixXd(k, k), Eigen::MatrixXd(k, k)};
  for (Index r = 0; r < k; ++r)
    for (Index c = 0; c < k; ++c) {
      const Index i = ix(perm[static_cast<std::size_t>(transpose ? c : r)]);
      const Index j = ix(perm[static_cast<std::size_t>(transpose ? r : c)]);
      out.TE(r, c) = m.TE(i, j);
      out.lower(r, c) = m.lower(i, j);
      out.upper(r, c) = m.upper(i, j);
    }
  if (exp_scale) {
    const auto exp = [](double v) { return std::exp(v); };
    out.TE = out.TE.unaryExpr(exp);
    out.lower = out.lower.unaryExpr(exp);
    out.upper = out.upper.unaryExpr(exp);
  }
  return out;
}

std::string describe(bool direct, bool column_vs_row, const char* which) {
  std::string s = direct ? "direct estimates" : "network estimates";
  if (which != nullptr) s += std::string(" of ") + which;
  return s + (column_vs_row ? " (column vs row)" : " (row vs column)");
}

/// Fill the cells from the two sources; names[r] is the treatment of row/column r.
void fill_cells(LeagueTable& t, bool lower_direct, bool upper_direct, bool upper_column_vs_row) {
  const std::size_t k = t.treatments.size();
  t.cells.assign(k, std::vector<LeagueCell>(k));
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < k; ++c) {
      LeagueCell& cell = t.cells[r][c];
      cell.estimate = cell.lower = cell.upper = kNaN;
      if (r == c) {
        cell.kind = LeagueCellKind::treatment;
        cell.treat1 = cell.treat2 = t.treatments[r];
        continue;
      }
      const bool lower = r > c;
      const LeagueMatrices& src = lower ? t.lower_source : t.upper_source;
      const bool column_vs_row = lower || upper_column_vs_row;
      cell.treat1 = column_vs_row ? t.treatments[c] : t.treatments[r];
      cell.treat2 = column_vs_row ? t.treatments[r] : t.treatments[c];
      const double te = src.TE(ix(r), ix(c));
      if (std::isnan(te)) {
        cell.kind = LeagueCellKind::empty;
        continue;
      }
      cell.kind = (lower ? lower_direct : upper_direct) ? LeagueCellKind::direct : LeagueCellKind::network;
      cell.estimate = te;
      cell.lower = src.lower(ix(r), ix(c));
      cell.upper = src.upper(ix(r), ix(c));
    }
}

/// R's round(x, digits) (R >= 4.0: the closer of the two candidates, ties to even).
double r_round(double x, int digits) {
  if (!std::isfinite(x)) return x;
  const double p = std::pow(10.0, digits);
  const double y = x * p;
  const double lo = std::floor(y), hi = std::ceil(y);
  const double a = lo / p, b = hi / p;
  const double da = std::fabs(x - a), db = std::fabs(x - b);
  if (da < db) return a;
  if (db < da) return b;
  return std::fmod(lo, 2.0) == 0.0 ? a : b;
}

std::string fixed(double x, int decimals, int width = 0) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%*.*f", width, decimals, x);
  return buf;
}

/// R's format() of a numeric vector with the default 7 significant digits (formatReal): common
/// decimals and width, right-justified; NA for non-finite values; pad = false drops the padding.
std::vector<std::string> r_format(const std::vector<double>& xs, bool pad) {
  bool any_finite = false, any_na = false, neg = false;
  int rgt = 0, mxsl = 1, mxns = 1, mxe = 0, mne = 0;
  for (double x0 : xs) {
    if (!std::isfinite(x0)) {
      any_na = true;
      continue;
    }
    const double x = x0 == 0.0 ? 0.0 : x0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6e", std::fabs(x));
    const std::string s = buf;
    const std::size_t e = s.find('e');
    std::string mant = s.substr(0, e);
    const int kpower = std::stoi(s.substr(e + 1));
    mant.erase(std::remove(mant.begin(), mant.end(), '.'), mant.end());
    while (mant.size() > 1 && mant.back() == '0') mant.pop_back();
    const int nsig = x == 0.0 ? 1 : static_cast<int>(mant.size());
    const int kp = x == 0.0 ? 0 : kpower;
    const int left = kp + 1;
    const bool negative = x < 0.0;
    const int sleft = (negative ? 1 : 0) + (left <= 0 ? 1 : left);
    const int right = nsig - left;
    if (!any_finite) {
      rgt = right;
      mxsl = sleft;
      mxns = nsig;
      mxe = mne = kp;
    } else {
      rgt = std::max(rgt, right);
      mxsl = std::max(mxsl, sleft);
      mxns = std::max(mxns, nsig);
      mxe = std::max(mxe, kp);
      mne = std::min(mne, kp);
    }
    neg = neg || negative;
    any_finite = true;
  }
  rgt = std::max(rgt, 0);
  const int w_fixed = mxsl + rgt + (rgt != 0 ? 1 : 0);
  const int e_digits = (mxe >= 100 || mne <= -99) ? 2 : 1;
  const int d_sci = mxns - 1;
  const int w_sci = (neg ? 1 : 0) + (d_sci > 0 ? 1 : 0) + d_sci + 4 + e_digits;
  const bool sci = any_finite && w_fixed > w_sci;
  int width = any_finite ? (sci ? w_sci : w_fixed) : 0;
  if (any_na) width = std::max(width, 2);
  std::vector<std::string> out;
  out.reserve(xs.size());
  for (double x0 : xs) {
    std::string s;
    if (!std::isfinite(x0)) {
      s = "NA";
    } else {
      const double x = x0 == 0.0 ? 0.0 : x0;
      char buf[512];
      if (sci)
        std::snprintf(buf, sizeof buf, "%.*e", d_sci, x);
      else
        std::snprintf(buf, sizeof buf, "%.*f", rgt, x);
      s = buf;
    }
    if (pad && static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), ' ');
    out.push_back(std::move(s));
  }
  return out;
}

/// The formatted limits "[lower; upper]" of every cell of one source matrix (netleague formats the
/// whole k x k matrix at once).
std::vector<std::vector<std::string>> format_ci(const LeagueMatrices& m, const LeagueFormat& f) {
  const Index k = m.TE.rows();
  std::vector<double> lo, up;
  for (Index c = 0; c < k; ++c)  // R's column-major order; only the set of values matters
    for (Index r = 0; r < k; ++r) {
      lo.push_back(r_round(m.lower(r, c), f.digits));
      up.push_back(r_round(m.upper(r, c), f.digits));
    }
  const std::vector<std::string> slo = r_format(lo, f.pad_limits), sup = r_format(up, f.pad_limits);
  std::string right;
  if (f.bracket == "[") right = "]";
  if (f.bracket == "(") right = ")";
  if (f.bracket == "{") right = "}";
  std::vector<std::vector<std::string>> out(static_cast<std::size_t>(k),
                                            std::vector<std::string>(static_cast<std::size_t>(k)));
  std::size_t n = 0;
  for (Index c = 0; c < k; ++c)
    for (Index r = 0; r < k; ++r, ++n)
      out[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = f.bracket + slo[n] + f.separator + sup[n] + right;
  return out;
}

}  // namespace

const char* to_string(LeagueLayout l) {
  switch (l) {
    case LeagueLayout::network_direct:
      return "network_direct";
    case LeagueLayout::network_network:
      return "network_network";
    case LeagueLayout::direct_direct:
      return "direct_direct";
  }
  return "network_direct";
}

const char* to_string(LeagueCellKind k) {
  switch (k) {
    case LeagueCellKind::treatment:
      return "treatment";
    case LeagueCellKind::network:
      return "network";
    case LeagueCellKind::direct:
      return "direct";
    case LeagueCellKind::empty:
      return "empty";
  }
  return "empty";
}

std::vector<std::size_t> match_treatment_names(const std::vector<std::string>& names,
                                               const std::vector<std::string>& treatments, const std::string& what,
                                               Diagnostics& out) {
  std::vector<std::size_t> idx;
  std::vector<bool> used(treatments.size(), false);
  for (const std::string& name : names) {
    std::vector<std::size_t> hits;
    for (std::size_t t = 0; t < treatments.size(); ++t)
      if (treatments[t] == name) hits.push_back(t);
    const std::string lname = lower_case(name);
    if (hits.empty())
      for (std::size_t t = 0; t < treatments.size(); ++t)
        if (lower_case(treatments[t]) == lname) hits.push_back(t);
    if (hits.empty() && !lname.empty())
      for (std::size_t t = 0; t < treatments.size(); ++t)
        if (lower_case(treatments[t]).rfind(lname, 0) == 0) hits.push_back(t);
    if (hits.empty()) {
      out.error(what + "-unknown-treatment", {}, what + ": '" + name + "' is not a treatment of the network",
                "use the treatment names of the network meta-analysis");
      continue;
    }
    if (hits.size() > 1) {
      std::string list;
      for (std::size_t h : hits) list += (list.empty() ? "'" : ", '") + treatments[h] + "'";
      out.error(what + "-ambiguous-treatment", {}, what + ": '" + name + "' matches " + list,
                "give more of the treatment name");
      continue;
    }
    if (used[hits[0]]) {
      out.error(what + "-repeated-treatment", {}, what + ": '" + treatments[hits[0]] + "' is given more than once");
      continue;
    }
    used[hits[0]] = true;
    idx.push_back(hits[0]);
  }
  return idx;
}

namespace {

/// The seq order of `nma`'s treatments (indices), or empty with an error.
std::vector<std::size_t> seq_order(const NmaResult& nma, const LeagueOptions& options, Diagnostics& diag) {
  std::vector<std::size_t> perm;
  if (options.seq.empty()) {
    for (std::size_t t = 0; t < nma.treatments.size(); ++t) perm.push_back(t);
    return perm;
  }
  perm = match_treatment_names(options.seq, nma.treatments, "seq", diag);
  if (diag.has_errors()) return {};
  if (perm.size() != nma.treatments.size()) {
    diag.error(
        "seq-incomplete", {},
        "seq names " + std::to_string(perm.size()) + " of the " + std::to_string(nma.treatments.size()) + " treatments",
        "give every treatment once (netmeta netleague(seq = ...))");
    return {};
  }
  return perm;
}

bool check_nma(const NmaResult& nma, const char* which, Diagnostics& diag) {
  if (nma.ok() && nma.treatments.size() >= 2 && nma.common.TE.rows() == static_cast<Index>(nma.treatments.size()))
    return true;
  diag.error("league-no-network", {}, std::string("there is no analysed network") + which + " for the league table",
             "fix the errors of the network meta-analysis first");
  return false;
}

}  // namespace

LeagueTable league_table(const NmaResult& nma, const LeagueOptions& options) {
  LeagueTable t;
  t.model = options.model;
  t.layout = options.layout;
  t.backtransformed = options.ratio_measure && options.backtransf;
  if (!check_nma(nma, "", t.diagnostics)) return t;
  const std::vector<std::size_t> perm = seq_order(nma, options, t.diagnostics);
  if (perm.empty()) return t;
  for (std::size_t p : perm) t.treatments.push_back(nma.treatments[p]);

  const bool lower_direct = options.layout == LeagueLayout::direct_direct;
  const bool upper_direct = options.layout != LeagueLayout::network_network;
  // netleague(x): upper = direct of x, row vs column; netleague(x, x): y is transposed first (x.is.y),
  // so the upper triangle is column vs row.
  const bool upper_column_vs_row = options.layout != LeagueLayout::network_direct;
  // lower cell [r, c] = X[seq c, seq r]; upper cell [r, c] = Y'[seq r, seq c], Y' = t(Y) when x is y
  t.lower_source = permuted(source_of(nma, options.model, lower_direct), perm, true, t.backtransformed);
  t.upper_source = permuted(source_of(nma, options.model, upper_direct), perm, upper_column_vs_row, t.backtransformed);
  t.lower_triangle = describe(lower_direct, true, nullptr);
  t.upper_triangle = describe(upper_direct, upper_column_vs_row, nullptr);
  fill_cells(t, lower_direct, upper_direct, upper_column_vs_row);
  return t;
}

LeagueTable league_table(const NmaResult& x, const NmaResult& y, const LeagueOptions& options) {
  LeagueTable t;
  t.model = options.model;
  t.layout = options.layout;
  t.two_outcomes = true;
  t.backtransformed = options.ratio_measure && options.backtransf;
  if (!check_nma(x, " (first outcome)", t.diagnostics) || !check_nma(y, " (second outcome)", t.diagnostics)) return t;
  std::vector<std::string> sx = x.treatments, sy = y.treatments;
  std::sort(sx.begin(), sx.end());
  std::sort(sy.begin(), sy.end());
  if (sx != sy) {
    t.diagnostics.error("league-different-treatments", {},
                        "the two network meta-analyses do not have the same treatments",
                        "a league table of two outcomes needs the same treatments in both networks");
    return t;
  }
  const std::vector<std::size_t> perm = seq_order(x, options, t.diagnostics);
  if (perm.empty()) return t;
  std::vector<std::size_t> perm_y;
  for (std::size_t p : perm) {
    t.treatments.push_back(x.treatments[p]);
    perm_y.push_back(y.treatment_index(x.treatments[p]));
  }
  const bool lower_direct = options.layout == LeagueLayout::direct_direct;
  const bool upper_direct = options.layout != LeagueLayout::network_network;
  t.lower_source = permuted(source_of(x, options.model, lower_direct), perm, true, t.backtransformed);
  t.upper_source = permuted(source_of(y, options.model, upper_direct), perm_y, false, t.backtransformed);
  t.lower_triangle = describe(lower_direct, true, "the first outcome");
  t.upper_triangle = describe(upper_direct, false, "the second outcome");
  fill_cells(t, lower_direct, upper_direct, false);
  return t;
}

std::vector<std::vector<std::string>> format_league(const LeagueTable& t, const LeagueFormat& f) {
  const std::size_t k = t.treatments.size();
  std::vector<std::vector<std::string>> out(k, std::vector<std::string>(k));
  if (k == 0 || t.cells.size() != k) return out;
  const int digits = std::clamp(f.digits, 0, 15);
  LeagueFormat g = f;
  g.digits = digits;
  const auto ci_lower = f.ci ? format_ci(t.lower_source, g) : std::vector<std::vector<std::string>>{};
  const auto ci_upper = f.ci ? format_ci(t.upper_source, g) : std::vector<std::vector<std::string>>{};
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < k; ++c) {
      const LeagueCell& cell = t.cells[r][c];
      if (cell.kind == LeagueCellKind::treatment) {
        out[r][c] = t.treatments[r];
      } else if (cell.kind == LeagueCellKind::empty || std::isnan(cell.estimate)) {
        out[r][c] = f.text_na;
      } else {
        out[r][c] = fixed(r_round(cell.estimate, digits), digits);
        if (f.ci) out[r][c] += " " + (r > c ? ci_lower : ci_upper)[r][c];
      }
    }
  return out;
}

std::string league_text(const LeagueTable& t, const LeagueFormat& f) {
  const auto cells = format_league(t, f);
  const std::size_t k = cells.size();
  std::vector<std::size_t> width(k, 0);
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < k; ++c) width[c] = std::max(width[c], cells[r][c].size());
  std::string s;
  for (std::size_t r = 0; r < k; ++r) {
    for (std::size_t c = 0; c < k; ++c) {
      s += ' ';
      s.append(width[c] - cells[r][c].size(), ' ');
      s += cells[r][c];
    }
    s += '\n';
  }
  return s;
}

std::string league_csv(const LeagueTable& t, const LeagueFormat& f) {
  const auto cells = format_league(t, f);
  std::string s;
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) s += ',';
      s += '"';
      for (char ch : row[c]) {
        if (ch == '"') s += '"';
        s += ch;
      }
      s += '"';
    }
    s += '\n';
  }
  return s;
}

nlohmann::json to_json(const LeagueTable& t) {
  nlohmann::json j;
  j["model"] = to_string(t.model);
  j["layout"] = to_string(t.layout);
  j["two_outcomes"] = t.two_outcomes;
  j["backtransformed"] = t.backtransformed;
  j["treatments"] = t.treatments;
  j["lower_triangle"] = t.lower_triangle;
  j["upper_triangle"] = t.upper_triangle;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : t.cells) {
    nlohmann::json jr = nlohmann::json::array();
    for (const LeagueCell& c : row)
      jr.push_back({{"kind", to_string(c.kind)},
                    {"treat1", c.treat1},
                    {"treat2", c.treat2},
                    {"estimate", json_number(c.estimate)},
                    {"lower", json_number(c.lower)},
                    {"upper", json_number(c.upper)}});
    rows.push_back(std::move(jr));
  }
  j["cells"] = std::move(rows);
  j["diagnostics"] = to_json(t.diagnostics);
  return j;
}

}  // namespace evident
