// evident: summary-of-findings tables from a network meta-analysis (see network_sof.hpp).
#include "evident/certainty/network_sof.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "evident/pairwise/absolute_effects.hpp"

namespace evident {

std::vector<SummaryOfFindings> network_summary_of_findings(const NetworkAnalysis& a, const CinemaResult& cinema,
                                                           const Dataset& data, const Outcome& outcome,
                                                           const NetworkSofOptions& options) {
  std::vector<SummaryOfFindings> out;
  const NmaResult& nma = a.nma;
  if (!nma.ok() || nma.treatments.size() < 2) return out;
  const std::size_t ref = nma.treatment_index(nma.reference);
  if (ref == NmaResult::npos) return out;
  const NmaModel& model = cinema.model == NmaModelKind::common ? nma.common : nma.random;
  const bool ratio = is_ratio(a.measure);
  const bool binary = a.measure == Measure::OR || a.measure == Measure::RR || a.measure == Measure::RD;

  // comparator risk: median of the reference arms' events/n
  std::optional<double> comparator = options.comparator_risk;
  BaselineRiskSource source = BaselineRiskSource::given;
  Diagnostics baseline_diag;
  if (!comparator && binary) {
    std::vector<double> events, n;
    for (const StudyData& sd : outcome.data)
      for (const Arm& arm : sd.arms)
        if (arm.treatment == nma.reference && arm.events && arm.n) {
          events.push_back(*arm.events);
          n.push_back(*arm.n);
        }
    if (!events.empty())
      if (const auto b = baseline_risk(events, n, BaselineRiskSource::median_control, baseline_diag)) {
        comparator = b->risk;
        source = BaselineRiskSource::median_control;
      }
  }
  std::optional<Thresholds> thresholds = options.thresholds;
  if (!thresholds && outcome.mid && !binary && !ratio) thresholds = Thresholds{*outcome.mid, std::nullopt, std::nullopt};

  for (std::size_t t = 0; t < nma.treatments.size(); ++t) {
    if (t == ref) continue;
    const std::string& name = nma.treatments[t];
    const auto ti = static_cast<Eigen::Index>(t), ri = static_cast<Eigen::Index>(ref);
    OutcomeEvidence e;
    e.name = outcome.name;
    e.time_point = outcome.time_point.value_or("");
    e.measure = a.measure;
    e.estimate = model.TE(ti, ri);
    e.ci_lower = model.lower(ti, ri);
    e.ci_upper = model.upper(ti, ri);
    if (ratio) {
      e.estimate = std::exp(e.estimate);
      e.ci_lower = std::exp(e.ci_lower);
      e.ci_upper = std::exp(e.ci_upper);
    }
    e.direction = outcome.direction;
    e.thresholds = thresholds;
    if (comparator) {
      e.comparator_risk = comparator;
      e.comparator_risk_source = source;
    }
    // direct evidence: studies with both treatments, and their participants
    std::set<std::string> direct;
    for (const NmaComparison& c : nma.comparisons_data)
      if ((c.treat1 == name && c.treat2 == nma.reference) || (c.treat2 == name && c.treat1 == nma.reference))
        direct.insert(c.study);
    e.studies = static_cast<int>(direct.size());
    double participants = 0.0;
    bool all_n = !direct.empty();
    for (const StudyData& sd : outcome.data) {
      if (sd.study >= data.studies.size() || !direct.count(data.studies[sd.study].label)) continue;
      for (const Arm& arm : sd.arms)
        if (arm.treatment == name || arm.treatment == nma.reference) {
          if (arm.n)
            participants += *arm.n;
          else
            all_n = false;
        }
      if (sd.arms.empty()) all_n = false;
    }
    if (all_n) e.participants = static_cast<int>(std::lround(participants));
    if (const CinemaComparison* c = cinema.find(name, nma.reference)) {
      e.certainty = c->overall;
      for (const DomainJudgement& d : c->domains)
        if (d.concern != Concern::no) e.reasons.push_back(d.domain + " (" + to_string(d.concern) + "): " + d.reason);
      if (c->overall_overridden) e.reasons.push_back("overall rating set by the reviewer: " + c->overall_override_reason);
    } else {
      e.reasons.push_back("no CINeMA rating for this comparison");
    }
    e.source = "network meta-analysis (" + std::string(to_string(cinema.model)) + " effects) of " +
               std::to_string(nma.studies) + " studies; direct evidence from " + std::to_string(direct.size());
    SummaryOfFindings sof = summary_of_findings(
        options.population.empty() ? "participants of the included studies" : options.population, name,
        nma.reference, {e});
    sof.diagnostics.append(baseline_diag);
    out.push_back(std::move(sof));
  }
  return out;
}

}  // namespace evident
