// evident: checks shared by every reader.
//
// validate_dataset() looks at the values a reader produced (whatever the format) and reports,
// with the arm's or contrast's source location: negative or zero SD, n < events, non-integer
// event counts or sample sizes, n <= 0, negative person-time, a treatment repeated within a
// study, a study with only one arm, contrasts with a non-positive SE, a study with arms in one
// outcome given twice, and so on. Unusable arms and studies are moved to Dataset::excluded with
// their reason, and a diagnostic is written for each; nothing is dropped silently.
#pragma once

#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"

namespace evident {

void validate_dataset(Dataset& data, Diagnostics& diagnostics);

}  // namespace evident
