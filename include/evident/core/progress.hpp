// evident: progress reports of long computations (the living-review run, the rankogram simulation), for front-ends
// that show a progress bar. Not a method; nothing here changes a result.
#pragma once

#include <functional>
#include <string_view>

namespace evident {

/// Called from the computing thread (the caller must make it thread-safe if it hands the values to another
/// thread) with a human-readable stage and the fraction of the work done, in [0, 1]. Within one call of a
/// reporting function (e.g. store::run_review) the fractions never decrease and the last call is ("done", 1.0).
/// Routines call it at the start of each stage and, in loops, at most about 100 times, never once per draw.
/// An empty function means no reports.
using ProgressFn = std::function<void(std::string_view stage, double fraction)>;

}  // namespace evident
