// evident: network meta-analysis requests (layout in evident/network/request.hpp).
#include "evident/network/request.hpp"

#include <utility>

namespace evident {
namespace {

Diagnostic& invalid(Diagnostics& ds, const std::string& field, std::string message, std::string hint) {
  Diagnostic& d = ds.error("invalid-option", {}, std::move(message), std::move(hint));
  d.field = field;
  return d;
}

void place(Diagnostics& ds, const SourceLocation& where) {
  for (auto& d : ds.items())
    if (d.location.file.empty()) d.location = where;
}

}  // namespace

NetworkOptions make_network_options(const NetworkSettings& s, Diagnostics& ds) {
  NetworkOptions o;
  const auto tau = parse_tau2_method(s.method_tau);
  if (tau && (*tau == Tau2Method::DL || *tau == Tau2Method::REML))
    o.nma.tau2_method = *tau;
  else
    invalid(ds, "method_tau", "unknown tau2 estimator for network meta-analysis '" + s.method_tau + "'",
            "expected DL or REML");
  if (!(s.level > 0.0 && s.level < 1.0))
    invalid(ds, "level", "the confidence level must lie strictly between 0 and 1, got " + nlohmann::json(s.level).dump(),
            "e.g. 0.95");
  o.nma.level = s.level;
  if (!s.reference.empty()) o.nma.reference = s.reference;
  o.nsim = s.nsim;
  o.seed = s.seed;
  if (s.netsplit == "sidde")
    o.netsplit_method = NetsplitMethod::sidde;
  else if (s.netsplit != "back-calculation")
    invalid(ds, "netsplit", "unknown netsplit method '" + s.netsplit + "'", "expected back-calculation or sidde");
  o.each_subnetwork = s.each_subnetwork;
  o.funnel_order = s.funnel_order;
  if (s.contribution == "shortest-path")
    o.contribution_method = ContributionMethod::shortest_path;
  else if (s.contribution != "random-walk")
    invalid(ds, "contribution", "unknown contribution method '" + s.contribution + "'",
            "expected random-walk or shortest-path");
  for (const std::string& part : s.skip) {
    if (part == "netsplit") o.netsplit = false;
    else if (part == "decomposition") o.decomposition = false;
    else if (part == "rankogram") o.nsim = 0;
    else if (part == "flow") o.evidence_flow = false;
    else if (part == "heat") o.net_heat = false;
    else if (part == "contribution") o.contribution = false;
    else if (part == "league") o.league = false;
    else if (part == "funnel") o.funnel = false;
    else
      invalid(ds, "skip", "unknown part to skip '" + part + "'",
              "expected netsplit, decomposition, rankogram, flow, heat, contribution, league or funnel");
  }
  if (s.full) o.matrix_cells_limit = 0;
  return o;
}

NetworkRequestResult run_network_request(const AnalysisRequest& req, const SourceLocation& where) {
  NetworkRequestResult res;
  const NetworkOptions nopts = make_network_options(req.network, res.diagnostics);
  Diagnostics analysis_problems;
  const bool read_ok = for_each_request_outcome(
      req, where, res.diagnostics, [&](const Dataset&, const Outcome& o, const EffectSet& set) {
        for (auto& a : analyse_network_outcome(o, set, nopts)) {
          place(a.nma.diagnostics, where);
          place(a.diagnostics, where);
          analysis_problems.append(a.nma.diagnostics);
          analysis_problems.append(a.diagnostics);
          res.analyses.push_back(std::move(a));
        }
      });
  if (read_ok && res.analyses.empty() && !res.diagnostics.has_errors())
    res.diagnostics.error("nothing-to-analyse", where, "no network to analyse in the request's data",
                          "give studies comparing at least two treatments");
  if (res.diagnostics.has_errors() || analysis_problems.has_errors()) {
    res.diagnostics.append(analysis_problems);
    res.analyses.clear();
  }
  place(res.diagnostics, where);
  return res;
}

RequestLine process_batch_line(std::string_view line, std::size_t line_number, const std::string& file) {
  const SourceLocation where{file, static_cast<int>(line_number), 0};
  ParsedRequest parsed = parse_request(line, where);
  if (!parsed.request || parsed.request->analysis != AnalysisKind::nma)
    return answer_request(std::move(parsed), line_number, where);
  NetworkRequestResult res = run_network_request(*parsed.request, where);
  res.id = std::move(parsed.id);
  RequestLine out;
  out.ok = res.ok();
  if (out.ok) {
    std::vector<nlohmann::json> analyses;
    analyses.reserve(res.analyses.size());
    for (const auto& a : res.analyses) analyses.push_back(to_json(a));
    out.json = format_request_record(line_number, res.id, &analyses, res.diagnostics);
  } else {
    out.json = format_request_record(line_number, res.id, nullptr, res.diagnostics);
  }
  return out;
}

}  // namespace evident
