// Leave-one-out and cumulative meta-analysis: refits of meta_analysis() on subsets of the studies.
#include "evident/pairwise/sensitivity.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace evident {

namespace {

MetaInput subset_of(const MetaInput& input, const std::vector<std::size_t>& rows) {
  MetaInput sub;
  for (const std::size_t i : rows) {
    if (!input.study.empty()) sub.study.push_back(input.study[i]);
    sub.yi.push_back(input.yi[i]);
    sub.vi.push_back(input.vi[i]);
  }
  return sub;
}

std::string label_of(const MetaInput& input, std::size_t i) {
  return i < input.study.size() ? input.study[i] : "study " + std::to_string(i + 1);
}

MetaOptions refit_options(const FitOptions& options) {
  MetaOptions o = options.meta;
  o.tau2_ci = false;  // not reported per step
  return o;
}

/// Validates the whole input through meta_analysis(); copies its errors into `out`.
bool validate(const MetaInput& input, const FitOptions& options, Diagnostics& out) {
  const MetaResult full = meta_analysis(input, refit_options(options));
  for (const Diagnostic& d : full.diagnostics.items())
    if (d.severity == Severity::error) out.add(d);
  return full.ok();
}

SensitivityStep step_of(const MetaInput& input, const std::vector<std::size_t>& rows, std::size_t index,
                        const FitOptions& options) {
  SensitivityStep s;
  s.study = label_of(input, index);
  s.index = index;
  const MetaResult fit = meta_analysis(subset_of(input, rows), refit_options(options));
  s.fit = summarize_fit(fit, options.common_effect);
  s.diagnostics = fit.diagnostics;
  return s;
}

}  // namespace

FitSummary summarize_fit(const MetaResult& fit, bool common_effect) {
  FitSummary s;
  s.k = fit.k;
  s.Q = fit.heterogeneity.Q;
  s.Q_df = fit.heterogeneity.df;
  s.Q_p = fit.heterogeneity.p_value;
  if (common_effect) {
    s.pooled = fit.common;
    s.tau2 = 0.0;
    s.I2 = fit.heterogeneity.I2;
    s.H2 = fit.heterogeneity.H2;
  } else {
    s.pooled = fit.random.pooled;
    s.tau2 = fit.random.tau2;
    s.I2 = fit.random.I2;
    s.H2 = fit.random.H2;
    s.converged = fit.random.converged;
  }
  return s;
}

LeaveOneOutResult leave_one_out(const MetaInput& input, const FitOptions& options) {
  LeaveOneOutResult r;
  r.options = options;
  if (!validate(input, options, r.diagnostics)) return r;
  const std::size_t k = input.yi.size();
  if (k < 2) {
    r.diagnostics.error("too-few-studies", {}, "leave-one-out needs at least 2 studies, got " + std::to_string(k),
                        "add studies");
    return r;
  }
  r.steps.reserve(k);
  for (std::size_t omit = 0; omit < k; ++omit) {
    std::vector<std::size_t> rows;
    rows.reserve(k - 1);
    for (std::size_t i = 0; i < k; ++i)
      if (i != omit) rows.push_back(i);
    r.steps.push_back(step_of(input, rows, omit, options));
  }
  return r;
}

CumulativeResult cumulative_meta_analysis(const MetaInput& input, const std::vector<std::size_t>& order,
                                          const FitOptions& options) {
  CumulativeResult r;
  r.options = options;
  if (!validate(input, options, r.diagnostics)) return r;
  const std::size_t k = input.yi.size();
  if (order.empty()) {
    for (std::size_t i = 0; i < k; ++i) r.order.push_back(i);
  } else {
    std::vector<bool> seen(k, false);
    bool valid = order.size() == k;
    for (const std::size_t i : order) {
      if (i >= k || seen[i]) {
        valid = false;
        break;
      }
      seen[i] = true;
    }
    if (!valid) {
      r.diagnostics.error("bad-order", {},
                          "the order of a cumulative meta-analysis must list each of the " + std::to_string(k) +
                              " studies exactly once (positions 0 to " + std::to_string(k - 1) + ")",
                          "give a permutation of the study positions");
      return r;
    }
    r.order = order;
  }
  std::vector<std::size_t> rows;
  rows.reserve(k);
  for (const std::size_t i : r.order) {
    rows.push_back(i);
    r.steps.push_back(step_of(input, rows, i, options));
  }
  return r;
}

}  // namespace evident
