// compute_effects() on hostile input: missing, negative, zero, NaN and infinite values, one-arm and
// empty studies, for every measure. The library must never crash, never throw, never output a
// NaN or Inf, and must account for every study (a contrast or an exclusion with its reason).
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "evident/effects/effect_size.hpp"
#include "evident/effects/effects_json.hpp"
#include "evident_test.hpp"

namespace evident {
namespace {

/// prefix + number (with += : GCC 12 at -O3 reports a false -Wrestrict for "literal" + std::string)
std::string cat(const char* prefix, unsigned long i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

std::optional<double> wild(std::mt19937& rng, double typical) {
  std::uniform_int_distribution<int> pick(0, 11);
  switch (pick(rng)) {
    case 0:
      return std::nullopt;
    case 1:
      return 0.0;
    case 2:
      return -typical;
    case 3:
      return std::numeric_limits<double>::quiet_NaN();
    case 4:
      return std::numeric_limits<double>::infinity();
    case 5:
      return 1e300;
    case 6:
      return 1e-300;
    default: {
      std::uniform_real_distribution<double> u(0.0, 2 * typical);
      return std::floor(u(rng));
    }
  }
}

TEST(EffectSizeRobustness, HostileInputNeverGivesNaNAndEveryStudyIsAccountedFor) {
  std::mt19937 rng(20240521);
  for (Measure m :
       {Measure::MD, Measure::SMD, Measure::GLASS, Measure::ROM, Measure::OR, Measure::RR, Measure::RD, Measure::IRR,
        Measure::IRD, Measure::HR, Measure::GEN, Measure::PR, Measure::PLN, Measure::PLO, Measure::PAS}) {
    for (int rep = 0; rep < 4; ++rep) {
      Dataset data;
      Outcome o;
      o.name = "y";
      o.type = rep % 2 == 0 ? OutcomeType::contrast : OutcomeType::time_to_event;  // accepts every measure
      std::uniform_int_distribution<int> narms(0, 4);
      for (int s = 0; s < 60; ++s) {
        Study st;
        st.label = cat("s", static_cast<unsigned long>(s));
        data.studies.push_back(st);
        StudyData sd;
        sd.study = data.studies.size() - 1;
        if (s % 3 == 0) {
          const int k = narms(rng);
          for (int c = 0; c < k; ++c) {
            ContrastRecord r;
            r.treat1 = cat("T", static_cast<unsigned long>(c % 3));
            r.treat2 = cat("T", static_cast<unsigned long>((c + 1) % 4));
            r.estimate = wild(rng, 1.5);
            if (rng() % 2) r.se = wild(rng, 0.3);
            if (rng() % 2) r.variance = wild(rng, 0.1);
            if (rng() % 2) {
              r.ci_lower = wild(rng, 0.5);
              r.ci_upper = wild(rng, 2.0);
            }
            if (rng() % 2) r.p_value = wild(rng, 0.5);
            const double levels[] = {0.9, 0.95, 0.0, 1.5, std::numeric_limits<double>::quiet_NaN()};
            r.ci_level = levels[rng() % 5];
            r.log_scale = rng() % 2 == 0;
            sd.contrasts.push_back(r);
          }
        } else {
          const int k = narms(rng);
          for (int a = 0; a < k; ++a) {
            Arm arm;
            arm.treatment = rng() % 10 == 0 ? std::string() : cat("T", rng() % 4);
            arm.n = wild(rng, 50);
            arm.events = wild(rng, 20);
            arm.mean = wild(rng, 10);
            arm.sd = wild(rng, 3);
            arm.time = wild(rng, 500);
            if (rng() % 4 == 0) arm.median = 5;
            sd.arms.push_back(arm);
          }
        }
        o.data.push_back(sd);
      }
      data.outcomes.push_back(o);
      for (auto where : {ContinuityWhere::only_zero, ContinuityWhere::if_any_zero, ContinuityWhere::none}) {
        for (auto method : {ContinuityMethod::constant, ContinuityMethod::treatment_arm, ContinuityMethod::empirical}) {
          EffectOptions opt;
          opt.measure = m;
          opt.correction.where = where;
          opt.correction.method = method;
          opt.include_all_zero = rep >= 2;
          opt.smd_correction = static_cast<SmdCorrection>(rep % 4);
          EffectSet s;
          ASSERT_NO_THROW(s = compute_effects(data, data.outcomes.front(), opt)) << to_string(m);
          std::set<std::string> seen;
          for (const auto& c : s.contrasts) {
            ASSERT_TRUE(std::isfinite(c.te)) << to_string(m) << " " << c.study;
            ASSERT_TRUE(std::isfinite(c.se) && c.se > 0) << to_string(m) << " " << c.study;
            ASSERT_TRUE(std::isfinite(c.incr1) && std::isfinite(c.incr2));
            seen.insert(c.study);
          }
          for (const auto& e : s.excluded) {
            EXPECT_FALSE(e.reason.empty());
            seen.insert(e.study);
          }
          for (const auto& st : data.studies) EXPECT_TRUE(seen.count(st.label)) << to_string(m) << " " << st.label;
          EXPECT_FALSE(s.diagnostics.has_errors());
          const nlohmann::json j = to_json(s);
          EXPECT_EQ(nlohmann::json::parse(j.dump()), j);
        }
      }
    }
  }
}

}  // namespace
}  // namespace evident
