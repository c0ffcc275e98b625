// Command-line options shared by the subcommands that read a data file (effects, meta, nma, check,
// convert, report, review import): the file and how to read it (the library's ReadSettings).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "evident/pairwise/request.hpp"

namespace evident_cli {

inline void add_read_options(CLI::App& cmd, std::string& file, evident::ReadSettings& read) {
  cmd.add_option("file", file, "Data file (CSV, evident JSON, RevMan 5 .rm5)")->required();
  cmd.add_option("--map", read.maps,
                 "Read a column as a field: column=field[:outcome] (e.g. exac=events, resp=events:response); "
                 "repeatable");
  cmd.add_option("--format", read.format, "Input format: auto, csv, json, revman5")
      ->check(CLI::IsMember({"auto", "csv", "json", "revman5"}));
  cmd.add_option("--type", read.type, "Outcome type: binary, continuous, contrast, time-to-event, rate");
  cmd.add_option("--outcome-name", read.outcome_name, "Name of the outcome in a single-outcome file");
  cmd.add_option("--treatment-labels", read.treatment_labels,
                 "CSV of treatment codes and labels (MetaInsight: Number,Label)");
  cmd.add_option("--small-values", read.small_values,
                 "Are small values of the outcome(s) desirable (e.g. pain) or undesirable (e.g. response)?")
      ->check(CLI::IsMember({"desirable", "undesirable"}));
  cmd.add_option("--mid", read.mid, "Minimally important difference of the outcome(s), on the analysis scale")
      ->check(CLI::PositiveNumber);
}

}  // namespace evident_cli
