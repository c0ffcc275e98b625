// evident: the PRISMA 2020 flow diagram as SVG.
//
// Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline for
// reporting systematic reviews. BMJ 2021;372:n71, doi:10.1136/bmj.n71, Fig. 1: the flow diagram for
// new systematic reviews which included searches of databases and registers only, and its variant with
// searches of databases, registers and other sources (a second column "Identification of studies via
// other methods"). Boxes hold the template's wording and the counts; a last box gives the studies
// included in the meta-analysis when that count is known (not part of the template; many reviews add
// it). Each box is <g class="prisma-box" data-key=... data-n=...> (data-n = the box's total), each
// count inside it <g class="prisma-count" data-key=... data-n=...> (reasons: data-key "reason" and
// data-reason), so a test or a script can check the figure against the input.
//
// The counts come from a JSON object (prisma_from_json; field names as the struct's) and are checked
// for arithmetic consistency (check_prisma): records screened = identified - duplicates - marked
// ineligible by automation - removed for other reasons; sought = screened - excluded; assessed =
// sought - not retrieved; reasons of exclusion sum to the reports excluded; reports of included
// studies = assessed - excluded (both columns); studies <= reports; studies in the meta-analysis <=
// studies in the review. Inconsistencies are warnings (the diagram is still drawn as given).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evident/core/diagnostic.hpp"

namespace evident::report {

/// A count with its label: a reason for excluding reports, or a source of records.
struct PrismaItem {
  std::string label;
  std::int64_t n = 0;
};

/// Reports sought, retrieved and assessed in one column of the diagram.
struct PrismaRetrieval {
  std::optional<std::int64_t> reports_sought;
  std::optional<std::int64_t> reports_not_retrieved;
  std::optional<std::int64_t> reports_assessed;
  std::optional<std::int64_t> reports_excluded;      ///< total; from the reasons when not given
  std::vector<PrismaItem> reports_excluded_reasons;  ///< reason -> count
};

/// Identification of studies via other methods (websites, organisations, citation searching, ...).
struct PrismaOtherMethods {
  std::vector<PrismaItem> sources;  ///< source -> records identified
  PrismaRetrieval retrieval;
};

struct PrismaCounts {
  // identification via databases and registers
  std::optional<std::int64_t> databases;  ///< records identified from databases
  std::optional<std::int64_t> registers;  ///< records identified from registers
  std::optional<std::int64_t> duplicates_removed;
  std::optional<std::int64_t> automation_ineligible;  ///< records marked as ineligible by automation tools
  std::optional<std::int64_t> removed_other_reasons;  ///< records removed for other reasons
  // screening
  std::optional<std::int64_t> records_screened;
  std::optional<std::int64_t> records_excluded;
  PrismaRetrieval retrieval;
  std::optional<PrismaOtherMethods> other_methods;
  // included
  std::optional<std::int64_t> studies_included;       ///< studies included in review
  std::optional<std::int64_t> reports_included;       ///< reports of included studies
  std::optional<std::int64_t> studies_meta_analysis;  ///< studies included in the meta-analysis
};

/// Reads the counts from JSON. Fields (non-negative integers): databases, registers,
/// duplicates_removed, automation_ineligible, removed_other_reasons, records_screened,
/// records_excluded, reports_sought, reports_not_retrieved, reports_assessed, reports_excluded,
/// reports_excluded_reasons ({"reason": n, ...} or [{"reason": ..., "n": ...}, ...]), studies_included,
/// reports_included, studies_meta_analysis, and other_methods {sources ({"Websites": n, ...} or
/// [{"source": ..., "n": ...}]), reports_sought, reports_not_retrieved, reports_assessed,
/// reports_excluded, reports_excluded_reasons}. Required: databases or registers, records_screened,
/// records_excluded, reports_sought, reports_not_retrieved, reports_assessed, reports_excluded or its
/// reasons, studies_included. Missing, negative, fractional or non-numeric fields are errors naming the
/// field; unknown fields are warnings. Never throws.
PrismaCounts prisma_from_json(const nlohmann::json& json, Diagnostics& diagnostics);

/// The arithmetic checks above, as warnings (code "prisma-inconsistent", field = the count that
/// disagrees).
Diagnostics check_prisma(const PrismaCounts& counts);

struct PrismaOptions {
  double font_size = 11.0;
  std::string title;  ///< optional title above the diagram
  bool footnotes = true;
};

struct PrismaFigure {
  std::string svg;
  Diagnostics diagnostics;  ///< check_prisma()'s warnings
};

PrismaFigure prisma_flow(const PrismaCounts& counts, const PrismaOptions& options = {});

}  // namespace evident::report
