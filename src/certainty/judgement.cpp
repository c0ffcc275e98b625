// evident: certainty vocabulary (see judgement.hpp).
#include "evident/certainty/judgement.hpp"

#include <algorithm>
#include <cctype>

namespace evident {
std::string normalise_word(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

const char* to_string(Concern c) {
  switch (c) {
    case Concern::no: return "no concerns";
    case Concern::some: return "some concerns";
    case Concern::major: return "major concerns";
  }
  return "";
}

const char* to_string(Certainty c) {
  switch (c) {
    case Certainty::high: return "high";
    case Certainty::moderate: return "moderate";
    case Certainty::low: return "low";
    case Certainty::very_low: return "very low";
  }
  return "";
}

std::optional<Concern> parse_concern(const std::string& text) {
  const std::string t = normalise_word(text);
  if (t == "no concerns" || t == "no" || t == "none" || t == "not serious") return Concern::no;
  if (t == "some concerns" || t == "some" || t == "serious") return Concern::some;
  if (t == "major concerns" || t == "major" || t == "very serious") return Concern::major;
  return std::nullopt;
}

std::optional<Certainty> parse_certainty(const std::string& text) {
  const std::string t = normalise_word(text);
  if (t == "high") return Certainty::high;
  if (t == "moderate") return Certainty::moderate;
  if (t == "low") return Certainty::low;
  if (t == "very low") return Certainty::very_low;
  return std::nullopt;
}

int levels_down(Concern c) { return c == Concern::no ? 0 : c == Concern::some ? 1 : 2; }

Certainty rate_down(Certainty start, int levels) {
  const int v = std::clamp(static_cast<int>(start) + std::max(0, levels), 0, static_cast<int>(Certainty::very_low));
  return static_cast<Certainty>(v);
}

void override_judgement(DomainJudgement& j, Concern concern, const std::string& reason) {
  if (!j.overridden) j.computed = j.concern;
  j.overridden = true;
  j.concern = concern;
  j.override_reason = reason;
}

bool override_domain(std::vector<DomainJudgement>& domains, const std::string& domain, Concern concern,
                     const std::string& reason) {
  bool found = false;
  for (DomainJudgement& d : domains)
    if (d.domain == domain) {
      override_judgement(d, concern, reason);
      found = true;
    }
  return found;
}

OverallRating rate_domains(const std::vector<DomainJudgement>& domains, Certainty start, const char* (*words)(Concern)) {
  OverallRating r;
  std::string why;
  for (const DomainJudgement& d : domains) {
    const int l = levels_down(d.concern);
    if (l == 0) continue;
    r.levels += l;
    why += (why.empty() ? "" : "; ") + d.domain + " (" + words(d.concern) + ", -" + std::to_string(l) + ")";
  }
  r.certainty = rate_down(start, r.levels);
  r.reason = r.levels == 0 ? std::string("no concerns in any domain: ") + to_string(start)
                           : std::string("rated down from ") + to_string(start) + " by " + std::to_string(r.levels) +
                                 (r.levels == 1 ? " level: " : " levels: ") + why;
  return r;
}

nlohmann::json to_json(const DomainJudgement& j) {
  nlohmann::json out{{"domain", j.domain}, {"judgement", to_string(j.concern)}, {"reason", j.reason}};
  if (j.needs_reviewer) out["needs_reviewer"] = true;
  if (j.overridden) {
    out["overridden"] = true;
    out["computed"] = j.computed ? to_string(*j.computed) : nullptr;
    out["override_reason"] = j.override_reason;
  }
  return out;
}

}  // namespace evident
