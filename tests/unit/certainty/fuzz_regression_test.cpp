// Replays every input in tests/fuzz/regressions/ through the JSON readers of the certainty and report areas
// (evidence profile, certainty judgements, PRISMA counts): each must finish without a throw or crash and
// give either a result or diagnostics (scripts/fuzz.sh certainty finds new ones).
#include <gtest/gtest.h>

#include <filesystem>

#include "evident/certainty/judgements_file.hpp"
#include "evident/certainty/profile.hpp"
#include "evident/report/prisma.hpp"
#include "evident_test.hpp"

namespace fs = std::filesystem;

TEST(CertaintyFuzzRegressions, EveryInputIsHandled) {
  const fs::path dir = fs::path(EVIDENT_TEST_DATA_DIR).parent_path() / "fuzz" / "regressions";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    ++files;
    const std::string text = evident::test::slurp(entry.path().string());
    const std::string name = entry.path().filename().string();
    evident::EvidenceProfile p;
    ASSERT_NO_THROW(p = evident::read_profile(text, name)) << name;
    ASSERT_NO_THROW((void)evident::render_text(evident::evaluate_profile(p))) << name;
    evident::Diagnostics d;
    ASSERT_NO_THROW((void)evident::read_certainty_judgements(text, name, d)) << name;
  }
  EXPECT_GT(files, 0);
}
