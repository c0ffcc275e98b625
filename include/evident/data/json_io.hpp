// evident: the evident JSON dataset format (schema version 1).
//
// The JSON form holds every field of the trial data model (include/evident/data/dataset.hpp):
//
//   {"evident_dataset": 1,
//    "studies":  [{"label", "year", "rob": {"d1".."d5", "overall"}, "indirectness", "covariates": {...}}],
//    "outcomes": [{"name", "type", "direction", "time_point", "mid", "measure",
//                  "data": [{"study": label, "arms": [{"treatment", "n", "events", "mean", "sd", "time",
//                                                     "median", "q1", "q3", "min", "max", "se",
//                                                     "sd_baseline"}]}
//                          | {"study": label, "contrasts": [{"treat1", "treat2", "estimate", "se",
//                              "variance", "ci_lower", "ci_upper", "ci_level", "p_value", "log_scale",
//                              "n1", "n2", "events1", "events2"}]}]}],
//    "excluded": [{"outcome", "study", "treatment", "reason"}]}
//
// The schema is docs/schema/dataset.schema.json (JSON Schema draft 2020-12), described in
// docs/methods/json-schema.md. Reading is read_json() in evident/data/read.hpp: unknown keys are
// warnings naming the JSON path, wrong types are errors naming the path and line:column, malformed
// JSON is an error at line:column; every study, arm and contrast remembers the line and column of
// its JSON object.
//
// Round trip: read_json(write_json(d)) gives back every field of d except those that describe where
// the data were read from (Dataset::source_file, Dataset::format, the SourceLocation of studies,
// arms, contrasts and exclusions, and Arm::columns), which the reader sets for the JSON file itself.
// Numbers keep their exact double value (shortest round-trip decimal form; integral values are
// written without a fraction); non-finite numbers are written as the strings "NaN", "Inf", "-Inf".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "evident/data/dataset.hpp"

namespace evident {

/// The dataset as a JSON value (keys in alphabetical order, as nlohmann::json keeps them).
nlohmann::json to_json(const Dataset& data);

/// The dataset as JSON text in schema order ("evident_dataset", "studies", "outcomes", "excluded"; the
/// fields of each object in the order of the model). `indent` < 0 writes a single line.
std::string write_json(const Dataset& data, int indent = 2);

/// The JSON schema version this build writes and reads.
inline constexpr int kJsonSchemaVersion = 1;

}  // namespace evident
