#include "evident/data/dataset.hpp"

#include <algorithm>
#include <cctype>

namespace evident {

std::size_t Dataset::find_study(const std::string& label) const {
  for (std::size_t i = 0; i < studies.size(); ++i)
    if (studies[i].label == label) return i;
  return npos;
}

const Outcome* Dataset::find_outcome(const std::string& name) const {
  for (const auto& o : outcomes)
    if (o.name == name) return &o;
  return nullptr;
}

const char* to_string(OutcomeType t) {
  switch (t) {
    case OutcomeType::binary:
      return "binary";
    case OutcomeType::continuous:
      return "continuous";
    case OutcomeType::contrast:
      return "contrast";
    case OutcomeType::time_to_event:
      return "time-to-event";
    case OutcomeType::rate:
      return "rate";
  }
  return "continuous";
}

const char* to_string(Direction d) {
  switch (d) {
    case Direction::unspecified:
      return "unspecified";
    case Direction::small_values_desirable:
      return "small-values-desirable";
    case Direction::large_values_desirable:
      return "large-values-desirable";
  }
  return "unspecified";
}

const char* to_string(Judgement j) {
  switch (j) {
    case Judgement::low:
      return "low";
    case Judgement::some_concerns:
      return "some concerns";
    case Judgement::high:
      return "high";
  }
  return "low";
}

namespace {
std::string lower_trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out = s.substr(b, e - b);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
}  // namespace

std::optional<OutcomeType> parse_outcome_type(const std::string& s) {
  const std::string v = lower_trim(s);
  if (v == "binary" || v == "dichotomous") return OutcomeType::binary;
  if (v == "continuous") return OutcomeType::continuous;
  if (v == "contrast" || v == "generic" || v == "iv" || v == "generic-inverse-variance") return OutcomeType::contrast;
  if (v == "time-to-event" || v == "tte" || v == "survival" || v == "hr") return OutcomeType::time_to_event;
  if (v == "rate" || v == "count" || v == "incidence") return OutcomeType::rate;
  return std::nullopt;
}

std::optional<Judgement> parse_judgement(const std::string& s) {
  const std::string v = lower_trim(s);
  if (v == "low" || v == "l" || v == "1" || v == "low risk" || v == "no concerns" || v == "no")
    return Judgement::low;
  if (v == "some concerns" || v == "some" || v == "some_concerns" || v == "some-concerns" || v == "m" ||
      v == "2" || v == "moderate" || v == "unclear" || v == "unclear risk" || v == "medium")
    return Judgement::some_concerns;
  if (v == "high" || v == "h" || v == "3" || v == "high risk" || v == "major concerns" || v == "major")
    return Judgement::high;
  return std::nullopt;
}

}  // namespace evident
