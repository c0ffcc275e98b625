// evident: the certainty step of a network meta-analysis (see evident/certainty/network_certainty.hpp).
#include "evident/certainty/network_certainty.hpp"

#include "evident/certainty/network_sof.hpp"

namespace evident {

const char* to_string(IncoherenceRule r) {
  return r == IncoherenceRule::side_p ? "side-p" : "ci-agreement";
}

std::optional<IncoherenceRule> parse_incoherence_rule(const std::string& s) {
  if (s == "ci-agreement") return IncoherenceRule::ci_agreement;
  if (s == "side-p") return IncoherenceRule::side_p;
  return std::nullopt;
}

CinemaOptions cinema_options(const std::string& rob_rule, const std::string& incoherence_rule,
                             Diagnostics& diagnostics) {
  CinemaOptions o;
  if (const auto r = parse_rob_rule(rob_rule)) {
    o.rob_rule = o.indirectness_rule = *r;
  } else {
    diagnostics.error("certainty-bad-rule", {}, "unknown rob rule '" + rob_rule + "'",
                      "use one of: majority, highest, average");
  }
  if (const auto r = parse_incoherence_rule(incoherence_rule)) {
    o.incoherence_rule = *r;
  } else {
    diagnostics.error("certainty-bad-rule", {}, "unknown incoherence rule '" + incoherence_rule + "'",
                      "use one of: ci-agreement, side-p");
  }
  return o;
}

NetworkCertainty network_certainty(const NetworkAnalysis& analysis, const Dataset& data, const Outcome& outcome,
                                   const CinemaOptions& options) {
  NetworkCertainty out;
  out.cinema = cinema(analysis, data, options);
  if (out.cinema.ok()) out.summary_of_findings = network_summary_of_findings(analysis, out.cinema, data, outcome);
  return out;
}

nlohmann::json to_json(const NetworkCertainty& c) {
  nlohmann::json out = to_json(c.cinema);
  out["method"] = "CINeMA";
  nlohmann::json sofs = nlohmann::json::array();
  for (const SummaryOfFindings& sof : c.summary_of_findings) sofs.push_back(to_json(sof));
  out["summary_of_findings"] = std::move(sofs);
  return out;
}

nlohmann::json overall_ratings(const CinemaResult& cinema) {
  nlohmann::json out = nlohmann::json::object();
  for (const CinemaComparison& c : cinema.comparisons) out[c.comparison] = to_string(c.overall);
  return out;
}

std::vector<RecommendationDraft> draft_recommendations(const NetworkCertainty& certainty) {
  std::vector<RecommendationDraft> out;
  out.reserve(certainty.summary_of_findings.size());
  for (const SummaryOfFindings& sof : certainty.summary_of_findings) out.push_back(draft_recommendation(sof, {}));
  return out;
}

}  // namespace evident
