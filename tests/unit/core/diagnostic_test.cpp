#include "evident/core/diagnostic.hpp"

#include <gtest/gtest.h>

using namespace evident;

TEST(Diagnostic, FormatsCompilerStyle) {
  Diagnostic d{"negative-sd", Severity::error, {"trials.csv", 12, 4}, "Smith 2001", "sd",
               "column 'sd' must be > 0, got \"-3\"", "an SD cannot be negative; check the sign"};
  EXPECT_EQ(format_diagnostic(d),
            "trials.csv:12:4: error: column 'sd' must be > 0, got \"-3\" (hint: an SD cannot be negative; check the sign)");
}

TEST(Diagnostic, OmitsUnknownParts) {
  Diagnostic d{"x", Severity::warning, {"a.csv", 0, 0}, {}, {}, "msg", {}};
  EXPECT_EQ(format_diagnostic(d), "a.csv: warning: msg");
  d.location = {};
  EXPECT_EQ(format_diagnostic(d), "warning: msg");
  d.location = {"a.csv", 3, 0};
  EXPECT_EQ(format_diagnostic(d), "a.csv:3: warning: msg");
}

TEST(Diagnostics, CountsErrorsOnly) {
  Diagnostics ds;
  ds.warning("w", {}, "warn");
  EXPECT_FALSE(ds.has_errors());
  ds.error("e", {}, "err");
  ds.note("n", {}, "note");
  EXPECT_TRUE(ds.has_errors());
  EXPECT_EQ(ds.error_count(), 1u);
  EXPECT_EQ(ds.size(), 3u);
}
