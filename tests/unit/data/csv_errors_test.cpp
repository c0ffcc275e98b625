// Bad CSV input: every problem is reported (all of them, not only the first) with its exact
// compiler-style text, and nothing is dropped without an entry in Dataset::excluded.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evident/data/read.hpp"
#include "evident_test.hpp"

namespace {

using evident::ReadOptions;
using evident::ReadResult;

ReadResult read(const std::string& text, ReadOptions options = {}) {
  return evident::read_text(text, "trials.csv", options);
}

std::vector<std::string> lines(const ReadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics.items()) out.push_back(evident::format_diagnostic(d));
  return out;
}

std::vector<std::string> exclusions(const ReadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.dataset.excluded)
    out.push_back(e.outcome + " | " + e.study + " | " + e.treatment + " | " + e.reason + " | line " +
                  std::to_string(e.source.line));
  return out;
}

ReadOptions with_mapping(const std::string& spec) {
  ReadOptions o;
  std::string error;
  auto m = evident::parse_column_mapping(spec, error);
  EXPECT_TRUE(m.has_value()) << error;
  if (m) o.mappings.push_back(*m);
  return o;
}

TEST(CsvErrors, NonNumericCell) {
  const auto r = read("study,treatment,events,n\nA,x,3,10\nA,y,4,12\nB,x,5,20\nB,y,6,abc\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "trials.csv:5:4: error: column 'n' must be a number, got \"abc\" (hint: write a plain number "
                          "such as 12 or 3.5; leave the cell empty (or write NA) when the value is missing)",
                          "trials.csv:4:1: warning: study 'B' has only one usable arm left in outcome 'trials'; the "
                          "study is excluded (hint: see the messages about its other arms)"}));
  EXPECT_EQ(exclusions(r), (std::vector<std::string>{"trials | B | y | a cell is not a number | line 5",
                                                     "trials | B |  | only one arm | line 4"}));
  const auto& d = r.diagnostics.items()[0];
  EXPECT_EQ(d.code, "not-a-number");
  EXPECT_EQ(d.study, "B");
  EXPECT_EQ(d.field, "n");
  // study A is untouched
  ASSERT_EQ(r.dataset.outcomes.size(), 1u);
  ASSERT_EQ(r.dataset.outcomes[0].data.size(), 1u);
  EXPECT_EQ(r.dataset.outcomes[0].data[0].arms.size(), 2u);
}

TEST(CsvErrors, DecimalCommaInACommaSeparatedFile) {
  const auto r = read("study,treatment,mean,sd,n\nA,x,\"1,5\",1,10\nA,y,2,1,12\nB,x,1,1,10\nB,y,2,1,10\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(lines(r)[0],
            "trials.csv:2:3: error: column 'mean' must be a number, got \"1,5\" (hint: write decimals with a point "
            "(3.5), not a comma)");
}

TEST(CsvErrors, AllProblemsOfAFileAreReported) {
  const auto r = read(
      "study,treatment,mean,sd,n\n"
      "A,x,1.5,-3,10\n"
      "A,y,2,1,12\n"
      "B,x,1,0,20\n"
      "B,y,1,1,20\n"
      "C,x,1,1,20\n"
      "C,x,1,1,20\n"
      "D,x,1,1,10\n"
      "E,x,1,1,10\n"
      "E,y,1,1,10\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(
      lines(r),
      (std::vector<std::string>{
          "trials.csv:2:4: error: column 'sd' must be > 0, got \"-3\" (arm 'x' of study 'A') (hint: a standard "
          "deviation cannot be negative; check the sign (was a mean change entered in the SD column?))",
          "trials.csv:3:1: warning: study 'A' has only one usable arm left in outcome 'trials'; the study is "
          "excluded (hint: see the messages about its other arms)",
          "trials.csv:4:4: error: column 'sd' must be > 0, got \"0\" (arm 'x' of study 'B') (hint: an SD of 0 would "
          "give the arm infinite weight; check the value, or leave the cell empty if it is not known)",
          "trials.csv:5:1: warning: study 'B' has only one usable arm left in outcome 'trials'; the study is "
          "excluded (hint: see the messages about its other arms)",
          "trials.csv:7:2: error: treatment 'x' appears twice in study 'C' (lines 6 and 7); the study is excluded "
          "(hint: each arm of a study needs its own treatment; merge the arms or correct the label)",
          "trials.csv:8:1: warning: study 'D' has only one arm in outcome 'trials'; the study is excluded (hint: a "
          "comparison needs at least two arms; check that all arms of the study use the same study label)"}));
  EXPECT_EQ(exclusions(r), (std::vector<std::string>{
                               "trials | A | x | sd must be > 0 | line 2",
                               "trials | A |  | only one arm | line 3",
                               "trials | B | x | sd must be > 0 | line 4",
                               "trials | B |  | only one arm | line 5",
                               "trials | C |  | treatment 'x' given twice | line 6",
                               "trials | D |  | only one arm | line 8",
                           }));
  // only study E is left
  ASSERT_EQ(r.dataset.outcomes.at(0).data.size(), 1u);
  EXPECT_EQ(r.dataset.studies[r.dataset.outcomes[0].data[0].study].label, "E");
}

TEST(CsvErrors, CountsAndRaggedRows) {
  const auto r = read(
      "study,treatment,events,n\n"
      "A,x,12,10\n"
      "A,y,-1,12\n"
      "B,x,2.5,20\n"
      "B,y,3,0\n"
      "C,x,1,10\n"
      "C,y,1,10,7\n"
      "D,x,1\n"
      "D,y,1,10\n"
      "E,x,1,10\n"
      "E,y,1,10\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(
      lines(r),
      (std::vector<std::string>{
          "trials.csv:7: error: line 7 has 5 cells but the header has 4; the row is skipped (hint: check for a "
          "missing or extra separator (a value containing ',' must be quoted))",
          "trials.csv:8: error: line 8 has 3 cells but the header has 4; the row is skipped (hint: check for a "
          "missing or extra separator (a value containing ',' must be quoted))",
          "trials.csv:2:3: error: more events than participants in arm 'x' of study 'A': column 'events' is "
          "\"12\", column 'n' is \"10\" (hint: events must not exceed n; are the two columns swapped?)",
          "trials.csv:3:3: error: column 'events' must be >= 0, got \"-1\" (arm 'y' of study 'A') (hint: an event "
          "count cannot be negative)",
          "trials.csv:2:1: warning: study 'A' has no usable arm in outcome 'trials'; the study is excluded (hint: "
          "see the messages about its arms)",
          "trials.csv:4:3: warning: column 'events' should be a whole number, got \"2.5\" (arm 'x' of study 'B') "
          "(hint: counts are whole numbers; the value is used as given)",
          "trials.csv:5:4: error: column 'n' must be > 0, got \"0\" (arm 'y' of study 'B') (hint: an arm needs at "
          "least one participant)",
          "trials.csv:4:1: warning: study 'B' has only one usable arm left in outcome 'trials'; the study is "
          "excluded (hint: see the messages about its other arms)",
          "trials.csv:6:1: warning: study 'C' has only one arm in outcome 'trials'; the study is excluded (hint: a "
          "comparison needs at least two arms; check that all arms of the study use the same study label)",
          "trials.csv:9:1: warning: study 'D' has only one arm in outcome 'trials'; the study is excluded (hint: a "
          "comparison needs at least two arms; check that all arms of the study use the same study label)"}));
  EXPECT_EQ(exclusions(r), (std::vector<std::string>{
                               " | C |  | row has 5 cells, the header has 4 | line 7",
                               " | D |  | row has 3 cells, the header has 4 | line 8",
                               "trials | A | x | events > n | line 2",
                               "trials | A | y | events must be >= 0 | line 3",
                               "trials | A |  | no usable arm | line 2",
                               "trials | B | y | n must be > 0 | line 5",
                               "trials | B |  | only one arm | line 4",
                               "trials | C |  | only one arm | line 6",
                               "trials | D |  | only one arm | line 9",
                           }));
}

TEST(CsvErrors, TrailingEmptyCellsAreNotRagged) {
  const auto r = read("study,treatment,events,n\nA,x,1,10,,\nA,y,2,10,\n");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.diagnostics.empty()) << lines(r).at(0);
}

TEST(CsvErrors, UnnamedColumnWithValues) {
  const auto r = read("study,treatment,events,n,\nA,x,1,10,\nA,y,2,10,7\n");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(lines(r), (std::vector<std::string>{"trials.csv:1:5: warning: column 5 has no name in the header; its "
                                                "values (e.g. \"7\" on line 3) are ignored (hint: give the column a "
                                                "name)"}));
}

TEST(CsvErrors, MissingRequiredColumn) {
  EXPECT_EQ(lines(read("study,treatment,events\nA,x,1\nA,y,2\n")),
            (std::vector<std::string>{
                "trials.csv:1: error: no column for n: a binary outcome ('trials') needs events and n for each arm; "
                "found 'study', 'treatment', 'events' (hint: say which column holds it, e.g. --map COLUMN=n)"}));
  EXPECT_EQ(lines(read("study,treatment,mean,sd,patients\nA,x,1,1,9\nA,y,2,1,9\n")),
            (std::vector<std::string>{
                "trials.csv:1:5: note: column 'patients' read as a study covariate (hint: if it holds trial data, say "
                "which field with --map patients=FIELD)",
                "trials.csv:1: error: no column for n: a continuous outcome ('trials') needs mean, sd and n for each "
                "arm; found 'study', 'treatment', 'mean', 'sd', 'patients' (hint: say which column holds it, e.g. "
                "--map patients=n)"}));
  EXPECT_EQ(lines(read("treatment,events,n\nx,1,10\ny,2,10\n")),
            (std::vector<std::string>{
                "trials.csv:1: error: no column for the study: in a file with one row per arm the arms of a study "
                "share a study label; found 'treatment', 'events', 'n' (hint: say which column holds it, e.g. --map "
                "COLUMN=study)"}));
}

TEST(CsvErrors, NoDataColumnsSuggestsAMapping) {
  const auto r = read("study,treatment,exac,total\nA,x,1,10\nA,y,2,10\n");
  EXPECT_EQ(lines(r).back(),
            "trials.csv:1: error: no outcome data columns: found 'study', 'treatment', 'exac', 'total'; arm-level data "
            "need events and n (binary), mean, sd and n (continuous) or events and time (rate), contrast-level data an "
            "estimate (TE) and its standard error (seTE) (hint: say which column holds which field, e.g. --map "
            "exac=events (see docs/methods/input-formats.md))");
  // a first row of numbers is not a header
  EXPECT_EQ(read("1,2,3\n4,5,6\n").diagnostics.items().back().hint,
            "the first row should hold the column names, not data");
}

TEST(CsvErrors, StudyWithOneArm) {
  const auto r = read("study,treatment,events,n\nA,x,1,10\nA,y,2,10\nB,x,1,10\n");
  EXPECT_TRUE(r.ok());  // a warning, not an error
  EXPECT_EQ(lines(r),
            (std::vector<std::string>{
                "trials.csv:4:1: warning: study 'B' has only one arm in outcome 'trials'; the study is excluded "
                "(hint: a comparison needs at least two arms; check that all arms of the study use the same "
                "study label)"}));
  EXPECT_EQ(exclusions(r), (std::vector<std::string>{"trials | B |  | only one arm | line 4"}));
}

TEST(CsvErrors, DuplicateStudyLabelInOneRowPerStudyFile) {
  const auto r = read("study,treat1,event1,n1,treat2,event2,n2\nS,a,1,10,b,2,10\nT,a,1,10,b,2,10\nS,a,3,10,c,4,10\n");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(lines(r),
            (std::vector<std::string>{
                "trials.csv:4:1: warning: study label 'S' is used by 2 rows (lines 2, 4) of a file with one "
                "row per study; they are read as 2 studies: 'S (line 2)', 'S (line 4)' (hint: give each study "
                "its own label; if these rows are arms of one study, use one row per arm)"}));
  EXPECT_EQ(r.dataset.studies.size(), 3u);
  // with a year column the year tells them apart
  const auto y = read("study,year,ai,n1i,ci,n2i\nShechter,1990,1,50,9,53\nShechter,1995,4,96,17,98\n");
  EXPECT_NE(y.dataset.find_study("Shechter (1990)"), evident::Dataset::npos);
  EXPECT_NE(y.dataset.find_study("Shechter (1995)"), evident::Dataset::npos);
}

TEST(CsvErrors, MissingRequiredCell) {
  const auto r = read("study,treatment,mean,sd,n\nA,x,1,,10\nA,y,2,1,12\nA,z,2,1,12\n");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "trials.csv:2:4: warning: missing value in column 'sd' for arm 'x' of study 'A'; the arm is "
                          "excluded (hint: a continuous outcome needs a mean (or median), an SD (or SE, IQR or range) "
                          "and n for every arm)"}));
  EXPECT_EQ(exclusions(r), (std::vector<std::string>{"trials | A | x | missing sd | line 2"}));
  EXPECT_EQ(r.dataset.outcomes.at(0).data.at(0).arms.size(), 2u);
}

TEST(CsvErrors, MissingStudyLabelOrTreatment) {
  const auto r = read("study,treatment,events,n\n,x,1,10\nA,,1,10\nA,x,1,10\nA,y,2,10\n");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "trials.csv:2:1: warning: missing study label in column 'study'; the row is skipped (hint: "
                          "every row needs the label of its study)",
                          "trials.csv:3:2: warning: missing treatment in column 'treatment' for study 'A'; the row is "
                          "skipped (hint: every arm needs the name of its treatment)"}));
  EXPECT_EQ(exclusions(r), (std::vector<std::string>{" |  |  | missing study label | line 2",
                                                     " | A |  | missing treatment | line 3"}));
}

TEST(CsvErrors, EmptyAndHeaderOnlyFiles) {
  for (const char* text : {"", "  \n\n \r\n", "\xEF\xBB\xBF", ",,,\n"})
    EXPECT_EQ(lines(read(text)), (std::vector<std::string>{"trials.csv: error: file is empty (hint: a CSV file needs a "
                                                           "header row and one row per arm or per study)"}))
        << text;
  for (const char* text : {"study,treatment,events,n\n", "study,treatment,events,n\r\n\r\n,,,\n"})
    EXPECT_EQ(lines(read(text)), (std::vector<std::string>{
                                     "trials.csv:1: error: file has a header but no data rows (hint: add one row per "
                                     "arm or per study below the header)"}));
}

TEST(CsvErrors, BinaryFiles) {
  EXPECT_EQ(lines(read(std::string("study,tr\0eatment\nA,x\n", 21))),
            (std::vector<std::string>{"trials.csv:1: error: file contains NUL bytes (first at byte 9): it is binary "
                                      "data, not a CSV text file (hint: open it in a spreadsheet program and save the "
                                      "sheet as \"CSV UTF-8 (comma delimited)\")"}));
  EXPECT_EQ(lines(read(std::string("PK\x03\x04\x14\0\x06\0", 8))),
            (std::vector<std::string>{"trials.csv: error: file is a ZIP archive (an Excel .xlsx workbook?), not a CSV "
                                      "text file (hint: open it in a spreadsheet program and save the sheet as \"CSV "
                                      "UTF-8 (comma delimited)\")"}));
  EXPECT_EQ(lines(read(std::string("\xFF\xFEs\0t\0", 6))),
            (std::vector<std::string>{"trials.csv: error: file is UTF-16 encoded; only UTF-8 (or Latin-1) text can be "
                                      "read (hint: save the file again as \"CSV UTF-8\")"}));
}

TEST(CsvErrors, VeryLongLineIsReportedNotHung) {
  const std::string one_line(10 * 1024 * 1024, 'a');  // 10 MB without a newline
  EXPECT_EQ(
      lines(read(one_line)),
      (std::vector<std::string>{"trials.csv:1: error: line 1 is 10485760 bytes long, more than the limit of "
                                "1048576 bytes; it was skipped (hint: this does not look like a CSV file with one "
                                "table row per line)"}));
  const std::string commas(10 * 1024 * 1024, ',');
  EXPECT_EQ(read(commas).diagnostics.items().at(0).code, "line-too-long");
  // a long data row is skipped, the rest is read
  const auto r = read("study,treatment,events,n\nA,x,1," + std::string(2 * 1024 * 1024, '9') + "\nB,x,1,2\nB,y,1,2\n");
  EXPECT_EQ(lines(r).at(0),
            "trials.csv:2: error: line 2 is 2097158 bytes long, more than the limit of 1048576 bytes; it was skipped "
            "(hint: this does not look like a CSV file with one table row per line)");
  EXPECT_EQ(r.dataset.outcomes.at(0).data.size(), 1u);
}

TEST(CsvErrors, UnterminatedQuote) {
  EXPECT_EQ(
      lines(read("study,treatment,events,n\nA,\"x,1,10\nA,y,2,10\n")),
      (std::vector<std::string>{"trials.csv:2:2: error: a quoted cell starting on line 2 has no closing quote; the "
                                "rest of the file was not read (hint: check the cell for a stray \" character (a "
                                "quote inside a quoted cell is written \"\"))",
                                "trials.csv:1: error: file has a header but no data rows (hint: add one row per "
                                "arm or per study below the header)"}));
}

TEST(CsvErrors, TrueEffectsFileIsNotTrialData) {
  const auto r = evident::read_file(evident::test::data_path("synthetic_nma_300s_30t_true_effects.csv"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.items().back().message,
            "no study column and no outcome data columns: found 'treatment', 'true_md_vs_T01'; arm-level data need "
            "events and n (binary), mean, sd and n (continuous) or events and time (rate), contrast-level data an "
            "estimate (TE) and its standard error (seTE)");
}

TEST(CsvErrors, Mappings) {
  EXPECT_EQ(lines(read("study,treatment,events,n\nA,x,1,10\nA,y,2,10\n", with_mapping("exac=events"))),
            (std::vector<std::string>{"trials.csv:1: error: mapping 'exac=events': the file has no column 'exac' "
                                      "(hint: the columns are 'study', 'treatment', 'events', 'n')"}));
  ReadOptions o;
  o.mappings.push_back({"events", "evnts", ""});
  EXPECT_EQ(lines(read("study,treatment,events,n\nA,x,1,10\nA,y,2,10\n", o)).at(0),
            "trials.csv: error: mapping 'events=evnts': unknown field 'evnts' (hint: known fields: study, treatment, "
            "events, nonevents, n, mean, sd, time, median, q1, q3, min, max, se, TE, ratio (HR, OR, RR, IRR), seTE, "
            "vi, lower, upper, pval, year, rob, rob.d1 .. rob.d5, indirectness, outcome, timepoint, covariate, ignore; "
            "add a number for one "
            "arm (event1, n2, treat1))");
}

TEST(CsvErrors, TwoColumnsForOneField) {
  EXPECT_EQ(lines(read("study,treatment,n,total,events\nA,x,1,10,1\nA,y,2,10,1\n")),
            (std::vector<std::string>{"trials.csv:1:4: error: columns 'n' (column 3) and 'total' (column 4) are both "
                                      "read as n (hint: say which one to use, e.g. --map total=ignore)"}));
  const auto r = read("study,treatment,n,total,events\nA,x,10,1,1\nA,y,10,2,1\n", with_mapping("total=ignore"));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.dataset.outcomes.at(0).data.at(0).arms.at(0).n, 10.0);
}

TEST(CsvErrors, Contrasts) {
  const auto r = read(
      "study,treat1,treat2,TE,seTE\n"
      "A,x,y,0.5,-1\n"
      "B,x,x,0.1,0.2\n"
      "C,x,y,,0.2\n"
      "C,x,z,1,\n"
      "D,x,y,1,1\n"
      "D,y,x,1,1\n"
      "E,x,y,1,1\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(lines(r),
            (std::vector<std::string>{
                "trials.csv:2:5: error: column 'seTE' must be > 0, got \"-1\" (comparison 'x' vs 'y' of study 'A') "
                "(hint: a standard error must be positive)",
                "trials.csv:2:1: warning: study 'A' has no usable comparison left in outcome 'trials'; the study is "
                "excluded (hint: see the messages about its comparisons)",
                "trials.csv:3:3: error: comparison of 'x' with itself in study 'B' (hint: the two treatments of a "
                "comparison must differ)",
                "trials.csv:3:1: warning: study 'B' has no usable comparison left in outcome 'trials'; the study is "
                "excluded (hint: see the messages about its comparisons)",
                "trials.csv:4:4: warning: missing value in column 'TE' for comparison 'x' vs 'y' of study 'C'; the "
                "comparison is excluded (hint: a comparison needs an estimate (or a confidence interval))",
                "trials.csv:5:5: warning: missing value in column 'seTE' for comparison 'x' vs 'z' of study 'C'; the "
                "comparison is excluded (hint: a comparison needs a standard error, a variance, a confidence interval "
                "or a p-value)",
                "trials.csv:4:1: warning: study 'C' has no usable comparison left in outcome 'trials'; the study is "
                "excluded (hint: see the messages about its comparisons)",
                "trials.csv:7:1: error: comparison 'y' vs 'x' appears twice in study 'D' (lines 6 and 7); the study is "
                "excluded (hint: give each comparison of a study once)"}));
  EXPECT_EQ(r.dataset.outcomes.at(0).data.size(), 1u);  // E
  const auto ci =
      read("study,treat1,treat2,TE,lower,upper,p\nA,x,y,0.5,1,0.2,0.3\nB,x,y,0.5,0.1,0.9,1.5\nC,x,y,1,0,2,\n");
  EXPECT_EQ(
      lines(ci).at(0),
      "trials.csv:2:5: error: the lower confidence limit \"1\" is above the upper limit \"0.2\" (comparison 'x' vs "
      "'y' of study 'A') (hint: are the two columns swapped?)");
  EXPECT_EQ(lines(ci).at(2),
            "trials.csv:3:7: error: column 'p' must be in (0, 1], got \"1.5\" (comparison 'x' vs 'y' of study 'B') "
            "(hint: a p-value lies between 0 and 1)");
}

TEST(CsvErrors, RatesNeedPositivePersonTime) {
  const auto r = read("study,treatment,events,time\nA,x,1,-10\nA,y,2,10\nB,x,1,10\nB,y,2,10\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.dataset.outcomes.at(0).type, evident::OutcomeType::rate);
  EXPECT_EQ(
      lines(r).at(0),
      "trials.csv:2:4: error: column 'time' must be > 0, got \"-10\" (arm 'x' of study 'A') (hint: person-time at "
      "risk must be positive)");
}

TEST(CsvErrors, BadStudyLevelValuesAreWarnings) {
  const auto r = read("study,treatment,events,n,rob,year\nA,x,1,10,maybe,19x9\nA,y,2,10,maybe,19x9\n");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "trials.csv:2:5: warning: column 'rob' must be a risk-of-bias judgement (low, some concerns, "
                          "high; or L/M/H, 1/2/3), got \"maybe\"; it is ignored (hint: use low, some concerns or high)",
                          "trials.csv:2:6: warning: column 'year' must be a whole number (a year), got \"19x9\"; it is "
                          "kept as a covariate (hint: write the year as a number such as 1998)"}));
  EXPECT_EQ(r.dataset.studies.at(0).covariates.at("year").text, "19x9");
}

TEST(CsvErrors, WideArmWithValuesButNoTreatment) {
  const auto r = read("study,treat1,n1,event1,treat2,n2,event2,treat3,n3,event3\nS,a,10,1,b,10,2,,10,3\n");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(lines(r), (std::vector<std::string>{
                          "trials.csv:2:8: warning: arm 3 of study 'S' has values but no treatment in column 'treat3'; "
                          "the arm is excluded (hint: give the arm's treatment, or clear its cells)"}));
  EXPECT_EQ(exclusions(r), (std::vector<std::string>{"trials | S | arm 3 | no treatment | line 2"}));
}

TEST(CsvErrors, LabelsFileProblems) {
  ReadOptions o;
  o.treatment_labels_file = "/nonexistent/labels.csv";
  const auto r = read("Study,T,N,Mean,SD\nA,1,10,1,1\nA,2,10,2,1\n", o);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(lines(r).back(),
            "/nonexistent/labels.csv: error: cannot open the treatment labels file '/nonexistent/labels.csv' (hint: "
            "give a CSV file with the columns Number,Label)");
}

}  // namespace
