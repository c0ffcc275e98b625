// evident: the methods paragraph of a report - what was run, stated exactly (estimators, options,
// software version) with numbered references, so it can be pasted into a paper's methods section.
//
// Wording follows what reviews report (PRISMA 2020 item 13d "methods used to synthesise results",
// Page et al. 2021, BMJ 372:n71, doi:10.1136/bmj.n71; PRISMA-NMA items S1-S4, Hutton et al. 2015,
// doi:10.7326/M14-2385). Every sentence is built from the options actually used: a change of option
// changes the text (tested), and no method is named that was not run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "evident/effects/effect_size.hpp"
#include "evident/network/analysis.hpp"
#include "evident/pairwise/analysis.hpp"

namespace evident {

struct MethodsInput {
  EffectOptions effects;
  /// Pairwise analyses were run with these options (nullopt: none were run).
  std::optional<PairwiseOptions> pairwise;
  /// Network meta-analyses were run with these options (nullopt: none were run).
  std::optional<NetworkOptions> network;
  /// Measures used across outcomes (the effect options hold one; a report may mix, e.g. OR and MD).
  std::vector<Measure> measures;
};

struct MethodsReference {
  std::string key;       ///< e.g. "rucker2012"
  std::string citation;  ///< "Rücker G. Network meta-analysis, electrical networks and graph theory. Res Synth Methods 2012;3:312-24."
  std::string doi;       ///< "10.1002/jrsm.1058"
};

struct MethodsText {
  std::vector<std::string> paragraphs;  ///< with [n] citation marks
  std::vector<MethodsReference> references;  ///< in citation order ([1] first)
};

/// The methods paragraphs for what `input` says was run, citing each method's source.
MethodsText methods_text(const MethodsInput& input);

/// Plain text: paragraphs separated by blank lines, then "References" and the numbered list.
std::string to_text(const MethodsText& m);

}  // namespace evident
