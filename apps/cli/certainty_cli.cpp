// `--certainty` for evident nma / meta (see certainty_cli.hpp).
#include "certainty_cli.hpp"

#include <fmt/format.h>

#include <iostream>

#include "cli_output.hpp"
#include "evident/certainty/cinema.hpp"
#include "evident/certainty/grade.hpp"
#include "evident/certainty/network_certainty.hpp"

namespace evident_cli {

void add_certainty_options(CLI::App& cmd, CertaintyArgs& args, bool network) {
  cmd.add_flag("--certainty", args.on,
               network ? "Confidence in each comparison by CINeMA's six domains (uses the studies' RoB and "
                         "indirectness and the outcome's MID, --mid)"
                       : "Certainty of each comparison by GRADE's five domains (uses the studies' RoB and "
                         "indirectness and the outcome's MID, --mid)");
  cmd.add_option("--judgements", args.judgements,
                 "Reviewer's certainty inputs and overrides, JSON (reporting bias; domain or overall overrides with "
                 "reasons; see docs/methods/certainty.md); implies --certainty");
  if (network) {
    cmd.add_option("--rob-rule", args.rob_rule,
                   "How study judgements combine by their contributions: majority (default), highest, average")
        ->check(CLI::IsMember({"majority", "highest", "average"}));
    cmd.add_option("--incoherence-rule", args.incoherence,
                   "Incoherence: ci-agreement (CINeMA, default) or side-p (SIDE test p value only)")
        ->check(CLI::IsMember({"ci-agreement", "side-p"}));
  }
}

bool load_judgements(const CertaintyArgs& args, evident::CertaintyJudgements& out) {
  if (args.judgements.empty()) return true;
  evident::Diagnostics d;
  out = evident::read_certainty_judgements_file(args.judgements, d);
  print_diagnostics(std::cerr, d);
  return !d.has_errors();
}

nlohmann::json network_certainty(const evident::NetworkAnalysis& a, const evident::Dataset& data,
                                 const evident::Outcome& outcome, const CertaintyArgs& args,
                                 const evident::CertaintyJudgements& j, evident::Diagnostics& all) {
  // The option values were checked by CLI11 (IsMember), so cinema_options() reports nothing here.
  evident::Diagnostics ignored;
  evident::CinemaOptions o = evident::cinema_options(args.rob_rule, args.incoherence, ignored);
  evident::apply(j, o);
  const evident::NetworkCertainty r = evident::network_certainty(a, data, outcome, o);
  all.append(r.cinema.diagnostics);
  return evident::to_json(r);
}

nlohmann::json pairwise_certainty(const evident::PairwiseAnalysis& a, const evident::Dataset& data,
                                  const evident::CertaintyJudgements& j, evident::Diagnostics& all) {
  evident::GradeOptions o;
  evident::apply(j, a.comparison.treat1, a.comparison.treat2, o);
  const evident::GradeResult r = evident::grade(a, data, o);
  all.append(r.diagnostics);
  nlohmann::json out = evident::to_json(r);
  out["method"] = "GRADE";
  return out;
}

namespace {

void write_domains(std::ostream& os, const nlohmann::json& c) {
  for (const auto& d : c.at("domains")) {
    os << fmt::format("      {:<18} {:<15} {}", d.at("domain").get<std::string>(), d.at("judgement").get<std::string>(),
                      d.at("reason").get<std::string>());
    if (d.value("overridden", false))
      os << fmt::format(" [overridden; computed: {}; reason: {}]", d.at("computed").get<std::string>(),
                        d.at("override_reason").get<std::string>());
    os << "\n";
  }
  os << fmt::format("      overall: {} ({})", c.at("overall").get<std::string>(),
                    c.at("overall_reason").get<std::string>());
  if (c.value("overall_overridden", false))
    os << fmt::format(" [overridden; computed: {}; reason: {}]", c.at("computed_overall").get<std::string>(),
                      c.at("overall_override_reason").get<std::string>());
  os << "\n";
}

}  // namespace

void write_certainty_text(std::ostream& os, const nlohmann::json& certainty) {
  if (certainty.is_null()) return;
  if (certainty.value("method", "") == "CINeMA") {
    os << "  Confidence in the estimates (CINeMA):\n";
    for (const auto& c : certainty.at("comparisons")) {
      os << fmt::format("    {}\n", c.at("comparison").get<std::string>());
      write_domains(os, c);
    }
  } else {
    os << "  Certainty of the evidence (GRADE):\n";
    write_domains(os, certainty);
  }
}

}  // namespace evident_cli
