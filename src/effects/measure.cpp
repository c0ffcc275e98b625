// evident: effect measures - names, parsing, scale and the default measure of an outcome.
#include <algorithm>
#include <cctype>
#include <string>

#include "evident/effects/effect_size.hpp"

namespace evident {

const char* to_string(Measure m) {
  switch (m) {
    case Measure::MD:
      return "MD";
    case Measure::SMD:
      return "SMD";
    case Measure::GLASS:
      return "GLASS";
    case Measure::ROM:
      return "ROM";
    case Measure::OR:
      return "OR";
    case Measure::RR:
      return "RR";
    case Measure::RD:
      return "RD";
    case Measure::IRR:
      return "IRR";
    case Measure::IRD:
      return "IRD";
    case Measure::HR:
      return "HR";
    case Measure::GEN:
      return "GEN";
    case Measure::PR:
      return "PR";
    case Measure::PLN:
      return "PLN";
    case Measure::PLO:
      return "PLO";
    case Measure::PAS:
      return "PAS";
  }
  return "?";
}

std::optional<Measure> parse_measure(const std::string& s) {
  std::string t;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c)))
      t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static constexpr Measure kAll[] = {Measure::MD,  Measure::SMD, Measure::GLASS, Measure::ROM, Measure::OR,
                                     Measure::RR,  Measure::RD,  Measure::IRR,   Measure::IRD, Measure::HR,
                                     Measure::GEN, Measure::PR,  Measure::PLN,   Measure::PLO, Measure::PAS};
  for (Measure m : kAll)
    if (t == to_string(m)) return m;
  return std::nullopt;
}

bool is_ratio(Measure m) {
  return m == Measure::OR || m == Measure::RR || m == Measure::ROM || m == Measure::IRR || m == Measure::HR;
}

bool is_single_group(Measure m) {
  return m == Measure::PR || m == Measure::PLN || m == Measure::PLO || m == Measure::PAS;
}

Measure default_measure(const Outcome& outcome) {
  switch (outcome.type) {
    case OutcomeType::binary:
      return Measure::OR;
    case OutcomeType::continuous:
      return Measure::MD;
    case OutcomeType::rate:
      return Measure::IRR;
    case OutcomeType::time_to_event:
      return Measure::HR;
    case OutcomeType::contrast:
      if (outcome.measure) {
        if (auto m = parse_measure(*outcome.measure)) return *m;
      }
      return Measure::GEN;
  }
  return Measure::GEN;
}

const char* to_string(SmdCorrection c) {
  switch (c) {
    case SmdCorrection::hedges_exact:
      return "hedges_exact";
    case SmdCorrection::hedges_approx:
      return "hedges_approx";
    case SmdCorrection::none:
      return "none";
    case SmdCorrection::hedges_exact_ls:
      return "hedges_exact_ls";
  }
  return "?";
}

const char* to_string(ContinuityWhere w) {
  switch (w) {
    case ContinuityWhere::only_zero:
      return "only0";
    case ContinuityWhere::all:
      return "all";
    case ContinuityWhere::if_any_zero:
      return "if0all";
    case ContinuityWhere::none:
      return "none";
  }
  return "?";
}

const char* to_string(ContinuityMethod m) {
  switch (m) {
    case ContinuityMethod::constant:
      return "constant";
    case ContinuityMethod::treatment_arm:
      return "treatment_arm";
    case ContinuityMethod::empirical:
      return "empirical";
  }
  return "?";
}

const char* to_string(CorrectionConvention c) {
  switch (c) {
    case CorrectionConvention::meta:
      return "meta";
    case CorrectionConvention::metafor:
      return "metafor";
  }
  return "?";
}

}  // namespace evident
