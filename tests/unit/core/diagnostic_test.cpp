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

#include "evident/core/line_map.hpp"

TEST(LineMap, OffsetsToLineAndCodePointColumn) {
  const std::string text = "\xEF\xBB\xBF" "ab\nc\xC3\xA9" "z\n\nx";  // BOM, "ab", "cez" with e-acute, "", "x"
  const LineMap m(text);
  EXPECT_EQ(m.at(3, "f").line, 1);
  EXPECT_EQ(m.at(3, "f").column, 1);  // the BOM is not a column
  EXPECT_EQ(m.at(4, "f").column, 2);
  const SourceLocation z = m.at(9, "f");  // 'z' after the two-byte e-acute
  EXPECT_EQ(z.line, 2);
  EXPECT_EQ(z.column, 3);
  EXPECT_EQ(z.file, "f");
  EXPECT_EQ(m.at(11, "f").line, 3);
  EXPECT_EQ(m.at(999, "f").line, 4);  // clamped to the end
}
