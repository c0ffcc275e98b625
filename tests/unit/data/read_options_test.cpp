// ReadOptions: outcome metadata a CSV file has no place for (direction, MID) is applied to every
// outcome read; a JSON file's own values win.
#include <gtest/gtest.h>

#include "evident/data/read.hpp"

using namespace evident;

TEST(ReadOptions, DirectionAndMidApplyToEveryOutcomeWithoutThem) {
  const std::string csv =
      "study,treatment,events,n,outcome\nA,X,1,10,death\nA,Y,2,10,death\nA,X,3,10,mi\nA,Y,4,10,mi\n";
  ReadOptions o;
  o.direction = Direction::small_values_desirable;
  o.mid = 0.05;
  const ReadResult r = read_text(csv, "t.csv", o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.dataset.outcomes.size(), 2u);
  for (const auto& out : r.dataset.outcomes) {
    EXPECT_EQ(out.direction, Direction::small_values_desirable) << out.name;
    ASSERT_TRUE(out.mid.has_value()) << out.name;
    EXPECT_EQ(*out.mid, 0.05);
  }
  const ReadResult plain = read_text(csv, "t.csv", {});
  EXPECT_EQ(plain.dataset.outcomes[0].direction, Direction::unspecified);
  EXPECT_FALSE(plain.dataset.outcomes[0].mid.has_value());
}

TEST(ReadOptions, JsonOwnValuesWin) {
  const std::string json = R"({"evident_dataset": 1, "studies": [{"label": "A"}], "outcomes": [{"name": "pain",
    "type": "continuous", "direction": "large-values-desirable", "mid": 1.5, "data": [{"study": "A", "arms": [
    {"treatment": "X", "n": 10, "mean": 1, "sd": 1}, {"treatment": "Y", "n": 10, "mean": 2, "sd": 1}]}]}]})";
  ReadOptions o;
  o.direction = Direction::small_values_desirable;
  o.mid = 0.5;
  const ReadResult r = read_text(json, "t.json", o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.dataset.outcomes.size(), 1u);
  EXPECT_EQ(r.dataset.outcomes[0].direction, Direction::large_values_desirable);
  EXPECT_EQ(*r.dataset.outcomes[0].mid, 1.5);
}
