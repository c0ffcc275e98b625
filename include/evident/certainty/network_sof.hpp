// evident: summary-of-findings tables from a network meta-analysis and its CINeMA ratings - one table
// per treatment compared with the reference (GRADE SoF layout, Guyatt et al. 2013, GRADE guidelines 12,
// doi:10.1016/j.jclinepi.2012.01.012; for networks Yepes-Nuñez et al. 2019, "Development of the summary of
// findings table for network meta-analysis", J Clin Epidemiol 115:1-13, doi:10.1016/j.jclinepi.2019.04.018:
// each row a comparison with the reference, the network estimate, its certainty and the statement).
//
// The random-effects network estimate (or common, following the CINeMA options' model) of treatment t
// versus the reference, its CI on the natural scale (exponentiated for ratio measures), the number of
// studies and participants that contribute direct evidence (studies with both arms), the CINeMA rating with
// the domains rated down as footnotes, and the magnitude against the outcome's MID (continuous measures:
// thresholds in the outcome's units; binary outcomes have no per-1000 threshold unless given, so no magnitude
// and a warning, as in summary_row()). Binary outcomes get the comparator risk from the reference arms
// (median of events/n, as GRADEpro's "median control group risk") when the data have counts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "evident/certainty/cinema.hpp"
#include "evident/certainty/summary_of_findings.hpp"
#include "evident/data/dataset.hpp"
#include "evident/network/analysis.hpp"

namespace evident {

struct NetworkSofOptions {
  std::string population;  ///< empty: "participants of the included studies"
  std::optional<Thresholds> thresholds;  ///< default: small = the outcome's MID (continuous measures)
  std::optional<double> comparator_risk;  ///< binary: given comparator risk (default: median of reference arms)
};

/// One SummaryOfFindings per non-reference treatment (intervention = the treatment, comparator = the
/// analysis' reference), in the order of the treatments. `cinema` must belong to `analysis`.
std::vector<SummaryOfFindings> network_summary_of_findings(const NetworkAnalysis& analysis, const CinemaResult& cinema,
                                                           const Dataset& data, const Outcome& outcome,
                                                           const NetworkSofOptions& options = {});

}  // namespace evident
