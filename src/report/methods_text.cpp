// evident: the methods paragraph (see methods_text.hpp).
#include "evident/report/methods_text.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "evident/core/version.hpp"

namespace evident {
namespace {

/// The bibliography every sentence may cite.
const std::map<std::string, MethodsReference>& bibliography() {
  static const std::map<std::string, MethodsReference> refs = [] {
    std::map<std::string, MethodsReference> r;
    auto add = [&](const char* key, const char* citation, const char* doi) { r[key] = {key, citation, doi}; };
    add("dersimonian1986", "DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7:177-88.",
        "10.1016/0197-2456(86)90046-2");
    add("viechtbauer2005",
        "Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the random-effects model. J Educ "
        "Behav Stat 2005;30:261-93.",
        "10.3102/10769986030003261");
    add("paule1982", "Paule RC, Mandel J. Consensus values and weighting factors. J Res Natl Bur Stand 1982;87:377-85.",
        "10.6028/jres.087.022");
    add("sidik2005",
        "Sidik K, Jonkman JN. Simple heterogeneity variance estimation for meta-analysis. J R Stat Soc C 2005;54:367-84.",
        "10.1111/j.1467-9876.2005.00489.x");
    add("hedges1983", "Hedges LV. A random effects model for effect sizes. Psychol Bull 1983;93:388-95.",
        "10.1037/0033-2909.93.2.388");
    add("morris1983", "Morris CN. Parametric empirical Bayes inference: theory and applications. J Am Stat Assoc 1983;78:47-55.",
        "10.1080/01621459.1983.10477920");
    add("hartung2001",
        "Hartung J, Knapp G. A refined method for the meta-analysis of controlled clinical trials with binary outcome. "
        "Stat Med 2001;20:3875-89.",
        "10.1002/sim.791");
    add("higgins2002", "Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis. Stat Med 2002;21:1539-58.",
        "10.1002/sim.1186");
    add("higgins2009",
        "Higgins JPT, Thompson SG, Spiegelhalter DJ. A re-evaluation of random-effects meta-analysis. J R Stat Soc A "
        "2009;172:137-59.",
        "10.1111/j.1467-985X.2008.00552.x");
    add("viechtbauer2007",
        "Viechtbauer W. Confidence intervals for the amount of heterogeneity in meta-analysis. Stat Med 2007;26:37-52.",
        "10.1002/sim.2514");
    add("mantel1959",
        "Mantel N, Haenszel W. Statistical aspects of the analysis of data from retrospective studies of disease. J Natl "
        "Cancer Inst 1959;22:719-48.",
        "10.1093/jnci/22.4.719");
    add("egger1997",
        "Egger M, Davey Smith G, Schneider M, Minder C. Bias in meta-analysis detected by a simple, graphical test. BMJ "
        "1997;315:629-34.",
        "10.1136/bmj.315.7109.629");
    add("begg1994",
        "Begg CB, Mazumdar M. Operating characteristics of a rank correlation test for publication bias. Biometrics "
        "1994;50:1088-101.",
        "10.2307/2533446");
    add("duval2000",
        "Duval S, Tweedie R. Trim and fill: a simple funnel-plot-based method of testing and adjusting for publication "
        "bias in meta-analysis. Biometrics 2000;56:455-63.",
        "10.1111/j.0006-341x.2000.00455.x");
    add("hedges1981",
        "Hedges LV. Distribution theory for Glass's estimator of effect size and related estimators. J Educ Stat "
        "1981;6:107-28.",
        "10.3102/10769986006002107");
    add("rucker2012",
        "Rücker G. Network meta-analysis, electrical networks and graph theory. Res Synth Methods 2012;3:312-24.",
        "10.1002/jrsm.1058");
    add("rucker2014",
        "Rücker G, Schwarzer G. Reduce dimension or reduce weights? Comparing two approaches to multi-arm studies in "
        "network meta-analysis. Stat Med 2014;33:4353-69.",
        "10.1002/sim.6236");
    add("jackson2016",
        "Jackson D, Law M, Barrett JK, et al. Extending DerSimonian and Laird's methodology to perform network "
        "meta-analyses with random inconsistency effects. Stat Med 2016;35:819-39.",
        "10.1002/sim.6752");
    add("krahn2013",
        "Krahn U, Binder H, König J. A graphical tool for locating inconsistency in network meta-analyses. BMC Med Res "
        "Methodol 2013;13:35.",
        "10.1186/1471-2288-13-35");
    add("higgins2012",
        "Higgins JPT, Jackson D, Barrett JK, et al. Consistency and inconsistency in network meta-analysis: concepts "
        "and models for multi-arm studies. Res Synth Methods 2012;3:98-110.",
        "10.1002/jrsm.1044");
    add("dias2010",
        "Dias S, Welton NJ, Caldwell DM, Ades AE. Checking consistency in mixed treatment comparison meta-analysis. "
        "Stat Med 2010;29:932-44.",
        "10.1002/sim.3767");
    add("konig2013",
        "König J, Krahn U, Binder H. Visualizing the flow of evidence in network meta-analysis and characterizing "
        "mixed treatment comparisons. Stat Med 2013;32:5414-29.",
        "10.1002/sim.6001");
    add("efthimiou2019",
        "Efthimiou O, Rücker G, Schwarzer G, et al. Network meta-analysis of rare events using the Mantel-Haenszel "
        "method. Stat Med 2019;38:2992-3012.",
        "10.1002/sim.8158");
    add("rucker2015",
        "Rücker G, Schwarzer G. Ranking treatments in frequentist network meta-analysis works without resampling "
        "methods. BMC Med Res Methodol 2015;15:58.",
        "10.1186/s12874-015-0060-8");
    add("salanti2011",
        "Salanti G, Ades AE, Ioannidis JPA. Graphical methods and numerical summaries for presenting results from "
        "multiple-treatment meta-analysis: an overview and tutorial. J Clin Epidemiol 2011;64:163-71.",
        "10.1016/j.jclinepi.2010.03.016");
    add("davies2022",
        "Davies AL, Papakonstantinou T, Nikolakopoulou A, et al. Network meta-analysis and random walks. Stat Med "
        "2022;41:2091-114.",
        "10.1002/sim.9346");
    add("papakonstantinou2018",
        "Papakonstantinou T, Nikolakopoulou A, Rücker G, et al. Estimating the contribution of studies in network "
        "meta-analysis: paths, flows and streams. F1000Research 2018;7:610.",
        "10.12688/f1000research.14770.3");
    add("chaimani2013",
        "Chaimani A, Higgins JPT, Mavridis D, Spyridonos P, Salanti G. Graphical tools for network meta-analysis in "
        "STATA. PLoS One 2013;8:e76654.",
        "10.1371/journal.pone.0076654");
    add("balduzzi2023",
        "Balduzzi S, Rücker G, Nikolakopoulou A, et al. netmeta: an R package for network meta-analysis using "
        "frequentist methods. J Stat Softw 2023;106(2):1-40.",
        "10.18637/jss.v106.i02");
    add("viechtbauer2010",
        "Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw 2010;36(3):1-48.",
        "10.18637/jss.v036.i03");
    return r;
  }();
  return refs;
}

/// Collects citations in order of first use and returns "[n]" / "[n, m]" marks.
class Citer {
 public:
  std::string cite(std::initializer_list<const char*> keys) {
    std::string out = " [";
    bool first = true;
    for (const char* k : keys) {
      auto it = std::find(order_.begin(), order_.end(), k);
      std::size_t n;
      if (it == order_.end()) {
        order_.emplace_back(k);
        n = order_.size();
      } else {
        n = static_cast<std::size_t>(it - order_.begin()) + 1;
      }
      out += (first ? "" : ", ") + std::to_string(n);
      first = false;
    }
    return out + "]";
  }
  std::vector<MethodsReference> references() const {
    std::vector<MethodsReference> out;
    for (const std::string& k : order_) out.push_back(bibliography().at(k));
    return out;
  }

 private:
  std::vector<std::string> order_;
};

std::string measure_words(Measure m) {
  switch (m) {
    case Measure::MD: return "mean differences (MD)";
    case Measure::SMD: return "standardised mean differences (SMD, Hedges' g)";
    case Measure::GLASS: return "Glass's delta";
    case Measure::ROM: return "ratios of means (ROM, on the log scale)";
    case Measure::OR: return "odds ratios (OR, on the log scale)";
    case Measure::RR: return "risk ratios (RR, on the log scale)";
    case Measure::RD: return "risk differences (RD)";
    case Measure::IRR: return "incidence rate ratios (IRR, on the log scale)";
    case Measure::IRD: return "incidence rate differences (IRD)";
    case Measure::HR: return "hazard ratios (HR, on the log scale)";
    case Measure::GEN: return "the effect estimates as reported";
    default: return std::string("the ") + to_string(m) + " scale";
  }
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

/// 0.5 -> "0.5", 95 -> "95" (no trailing zeros).
std::string short_number(double x) {
  std::string s = std::to_string(x);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string level_words(double level) { return short_number(level * 100.0) + "%"; }

std::string tau2_words(Tau2Method m, Citer& c) {
  switch (m) {
    case Tau2Method::DL: return "the DerSimonian-Laird estimator" + c.cite({"dersimonian1986"});
    case Tau2Method::REML: return "restricted maximum likelihood (REML)" + c.cite({"viechtbauer2005"});
    case Tau2Method::ML: return "maximum likelihood" + c.cite({"viechtbauer2005"});
    case Tau2Method::PM: return "the Paule-Mandel estimator" + c.cite({"paule1982"});
    case Tau2Method::SJ: return "the Sidik-Jonkman estimator" + c.cite({"sidik2005"});
    case Tau2Method::HE: return "the Hedges estimator" + c.cite({"hedges1983"});
    case Tau2Method::HS: return "the Hunter-Schmidt estimator";
    case Tau2Method::EB: return "the empirical Bayes estimator" + c.cite({"morris1983"});
  }
  return "";
}

}  // namespace

MethodsText methods_text(const MethodsInput& in) {
  MethodsText out;
  Citer c;
  std::vector<Measure> measures = in.measures;
  if (measures.empty()) measures.push_back(in.effects.measure);
  std::vector<std::string> mw;
  for (const Measure m : measures) mw.push_back(measure_words(m));
  std::string p = "Effects were expressed as " + join_words(mw) + ".";
  const bool any_smd = std::find(measures.begin(), measures.end(), Measure::SMD) != measures.end();
  if (any_smd) {
    switch (in.effects.smd_correction) {
      case SmdCorrection::hedges_exact:
        p += " Standardised mean differences used Hedges' exact small-sample correction" + c.cite({"hedges1981"}) + ".";
        break;
      case SmdCorrection::hedges_exact_ls:
        p += " Standardised mean differences used Hedges' exact small-sample correction with the large-sample "
             "variance" + c.cite({"hedges1981"}) + ".";
        break;
      case SmdCorrection::hedges_approx:
        p += " Standardised mean differences used the approximate small-sample correction J = 1 - 3/(4m - 1)" +
             c.cite({"hedges1981"}) + ".";
        break;
      case SmdCorrection::none: p += " Standardised mean differences were not corrected for small samples (Cohen's d)."; break;
    }
  }
  const bool binary = std::any_of(measures.begin(), measures.end(), [](Measure m) {
    return m == Measure::OR || m == Measure::RR || m == Measure::RD;
  });
  if (binary && in.effects.correction.where != ContinuityWhere::none)
    p += " A continuity correction of " + short_number(in.effects.correction.value) + " was added to the cells of " +
         (in.effects.correction.where == ContinuityWhere::only_zero ? std::string("studies with a zero cell")
          : in.effects.correction.where == ContinuityWhere::all  ? std::string("every study")
                                                                 : std::string("every study when any had a zero cell")) +
         ".";
  out.paragraphs.push_back(p);

  if (in.pairwise) {
    const PairwiseOptions& o = *in.pairwise;
    std::string q = "Pairwise meta-analyses pooled the studies of each comparison with common-effect (inverse variance";
    if (binary && o.mantel_haenszel) q += "; Mantel-Haenszel for 2x2 tables" + c.cite({"mantel1959"});
    q += ") and random-effects models; the between-study variance tau2 was estimated by " +
         tau2_words(o.meta.tau2_method, c);
    if (o.meta.tau2_ci) q += ", with its Q-profile confidence interval" + c.cite({"viechtbauer2007"});
    q += ".";
    if (o.meta.hartung_knapp)
      q += std::string(" Confidence intervals of the random-effects estimate used the Hartung-Knapp method") +
           (o.meta.hartung_knapp_adhoc ? " with the ad hoc variance correction" : "") + c.cite({"hartung2001"}) + ".";
    q += " Heterogeneity was described by Cochran's Q, I2 and tau2" + c.cite({"higgins2002"}) + ", and " +
         (o.meta.prediction == PredictionMethod::higgins2009
              ? "prediction intervals used a t distribution with k - 2 degrees of freedom" + c.cite({"higgins2009"})
          : o.meta.prediction == PredictionMethod::meta
              ? "prediction intervals used a t distribution with k - 1 degrees of freedom" + c.cite({"higgins2009"})
              : std::string(o.meta.hartung_knapp ? "prediction intervals used a t distribution with k - 1 degrees of "
                                                   "freedom and the Hartung-Knapp standard error (as metafor)"
                                                 : "prediction intervals used the normal quantile (as metafor)") +
                    c.cite({"higgins2009", "viechtbauer2010"})) +
         ". All intervals are " + level_words(o.meta.level) + " intervals.";
    if (o.small_study)
      q += " Small-study effects were examined with Egger's regression test" + c.cite({"egger1997"}) +
           ", Begg's rank correlation test" + c.cite({"begg1994"}) + " and trim-and-fill" + c.cite({"duval2000"}) +
           " where a comparison had at least three studies; with fewer than ten studies these tests have little "
           "power.";
    out.paragraphs.push_back(q);
  }

  if (in.network) {
    const NetworkOptions& o = *in.network;
    std::string r = "Network meta-analysis used the frequentist graph-theoretical model" +
                    c.cite({"rucker2012", "balduzzi2023"}) +
                    ", equivalent to weighted least squares, with multi-arm studies handled by reduced weights" +
                    c.cite({"rucker2014"}) + ", under common and random effects; tau2 was estimated by " +
                    (o.nma.tau2_method == Tau2Method::REML ? "restricted maximum likelihood" + c.cite({"viechtbauer2005"})
                                                           : "the generalised DerSimonian-Laird method" +
                                                                 c.cite({"jackson2016"})) +
                    ", assumed common to all comparisons. Only connected networks were analysed: " +
                    (o.each_subnetwork ? "each subnetwork of a disconnected network was analysed on its own."
                                       : "in a disconnected network, the subnetwork holding the reference (else the "
                                         "largest) was analysed and the others reported as excluded.");
    r += " Heterogeneity and inconsistency were assessed with the Q statistic split into within-design and "
         "between-design parts and the design-by-treatment interaction model" +
         c.cite({"krahn2013", "higgins2012"});
    if (o.netsplit)
      r += std::string(", and direct and indirect evidence were compared for every comparison by ") +
           (o.netsplit_method == NetsplitMethod::sidde ? "separating indirect from direct design evidence (SIDDE)"
                                                       : "back-calculation") +
           c.cite({"dias2010", "konig2013"});
    r += ".";
    r += " Treatments were ranked by P-scores" + c.cite({"rucker2015"});
    if (o.nsim > 0)
      r += " and by SUCRA from " + std::to_string(o.nsim) +
           " simulations of the random-effects estimates (seed " + std::to_string(o.seed) + ")" +
           c.cite({"salanti2011"});
    r += ".";
    if (o.evidence_flow) r += " The flow of evidence was described by the proportion of direct evidence, the mean path length and minimal parallelism" + c.cite({"konig2013"}) + ".";
    if (o.contribution)
      r += std::string(" The contribution of each study to each network estimate was computed by the ") +
           (o.contribution_method == ContributionMethod::random_walk ? "random-walk method" + c.cite({"davies2022"})
                                                                     : "shortest-path method" +
                                                                           c.cite({"papakonstantinou2018"})) +
           ".";
    if (o.funnel)
      r += " Small-study effects across the network were examined with a comparison-adjusted funnel plot and Egger's "
           "test" + c.cite({"chaimani2013", "egger1997"}) + ".";
    out.paragraphs.push_back(r);
  }

  out.paragraphs.push_back(std::string("Analyses were run with evident ") + kVersion +
                           ", whose estimators are checked against R packages metafor, meta and netmeta on published "
                           "datasets" + c.cite({"viechtbauer2010", "balduzzi2023"}) + ".");
  out.references = c.references();
  return out;
}

std::string to_text(const MethodsText& m) {
  std::string out;
  for (const std::string& p : m.paragraphs) out += p + "\n\n";
  out += "References\n";
  for (std::size_t i = 0; i < m.references.size(); ++i)
    out += std::to_string(i + 1) + ". " + m.references[i].citation + " doi:" + m.references[i].doi + "\n";
  return out;
}

}  // namespace evident
