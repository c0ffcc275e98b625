// Replays every input in tests/fuzz/regressions/ (crashes found by scripts/fuzz.sh, kept as regression
// tests) through format detection, every reader and effect sizes: each must finish without a crash and
// with either a dataset or diagnostics.
#include <gtest/gtest.h>

#include <filesystem>

#include "evident/data/read.hpp"
#include "evident/effects/effect_size.hpp"
#include "evident_test.hpp"

namespace fs = std::filesystem;

TEST(FuzzRegressions, EveryInputIsHandled) {
  const fs::path dir = fs::path(EVIDENT_TEST_DATA_DIR).parent_path() / "fuzz" / "regressions";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    ++files;
    const std::string text = evident::test::slurp(entry.path().string());
    const std::string name = entry.path().filename().string();
    for (auto* reader : {&evident::read_csv, &evident::read_json, &evident::read_revman5}) {
      auto r = (*reader)(text, name, {});
      EXPECT_TRUE(!r.dataset.outcomes.empty() || !r.diagnostics.empty()) << name;
      for (const auto& o : r.dataset.outcomes) {
        for (auto m : {evident::Measure::MD, evident::Measure::SMD, evident::Measure::OR, evident::Measure::RD}) {
          evident::EffectOptions opts;
          opts.measure = m;
          (void)evident::compute_effects(r.dataset, o, opts);
        }
      }
    }
  }
  EXPECT_GT(files, 0);
}
