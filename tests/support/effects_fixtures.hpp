// Fixtures shared by the effect-size tests: hand-built datasets (independent of the readers, so a
// reader bug cannot hide an effect-size bug) and a minimal CSV splitter for tests/data files.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "evident/effects/effect_size.hpp"
#include "evident_test.hpp"

namespace evident::test {

/// prefix + number (written with += : GCC 12 at -O3 reports a false -Wrestrict for "literal" + std::string)
inline std::string cat(const char* prefix, std::size_t i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

/// Fields of one CSV line (RFC 4180 quotes; no embedded newlines, which tests/data files do not have).
inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        cur += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (ch != '\r') {
      cur += ch;
    }
  }
  out.push_back(cur);
  return out;
}

/// Header and rows of a CSV in tests/data.
inline std::vector<std::vector<std::string>> csv_lines(const std::string& name) {
  std::ifstream in(data_path(name));
  EXPECT_TRUE(in.good()) << name;
  std::vector<std::vector<std::string>> lines;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(split_csv_line(line));
  return lines;
}

/// Column name -> values of a CSV in tests/data (empty field = missing).
inline std::map<std::string, std::vector<std::string>> read_columns(const std::string& name) {
  const auto lines = csv_lines(name);
  std::map<std::string, std::vector<std::string>> cols;
  if (lines.empty()) return cols;
  const auto& header = lines.front();
  for (std::size_t r = 1; r < lines.size(); ++r)
    for (std::size_t i = 0; i < header.size(); ++i) cols[header[i]].push_back(i < lines[r].size() ? lines[r][i] : "");
  return cols;
}

inline Arm bin_arm(const std::string& t, double events, double n) {
  Arm a;
  a.treatment = t;
  a.events = events;
  a.n = n;
  return a;
}

inline Arm cont_arm(const std::string& t, double n, double mean, double sd) {
  Arm a;
  a.treatment = t;
  a.n = n;
  a.mean = mean;
  a.sd = sd;
  return a;
}

inline Arm rate_arm(const std::string& t, double events, double time) {
  Arm a;
  a.treatment = t;
  a.events = events;
  a.time = time;
  return a;
}

/// A one-outcome dataset built by hand.
struct Built {
  Dataset data;
  Outcome& outcome() { return data.outcomes.front(); }
};

inline Built make(OutcomeType type) {
  Built b;
  b.data.source_file = "test.csv";
  Outcome o;
  o.name = "y";
  o.type = type;
  b.data.outcomes.push_back(o);
  return b;
}

/// Adds a study; its arms get the source location test.csv:<study number + 1>:1.
inline void add_study(Built& b, const std::string& label, std::vector<Arm> arms) {
  Study s;
  s.label = label;
  b.data.studies.push_back(s);
  StudyData sd;
  sd.study = b.data.studies.size() - 1;
  for (auto& a : arms) a.source = SourceLocation{"test.csv", static_cast<int>(sd.study) + 2, 1};
  sd.arms = std::move(arms);
  b.outcome().data.push_back(std::move(sd));
}

inline EffectSet run(Built& b, Measure m, EffectOptions o = {}) {
  o.measure = m;
  return compute_effects(b.data, b.outcome(), o);
}

}  // namespace evident::test
