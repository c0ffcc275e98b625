# Meta-regression reference values for evident's meta_regression() (tests/unit/pairwise/meta_regression_test.cpp)
# with metafor 3.8-1 rma.uni(yi, vi, mods = ..., method = m, test = t) for every tau2 estimator metafor offers
# with moderators (EE, DL, HE, HS, SJ, ML, REML, EB, PM) and test = "z" / "knha" (dat.bcg also "adhoc"):
#   - dat.bcg: yi/vi = escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg); moderators ablat, year,
#     alloc (factor), ablat + year, ablat + alloc, and ablat without intercept (~ ablat - 1);
#   - dat.bangertdrowns2004: yi/vi as given; moderators length, grade (factor), wic, meta and
#     length + grade + meta (length, wic, meta have missing values: metafor drops those studies).
# Stored per model: the studies used (1-based rows), coefficient names, b, se, zval (tval), pval, ci.lb,
# ci.ub, vb, tau2, se.tau2, I2, H2, R2, QE, QEp, QM, QMp, QMdf, weights(), fitted(), resid().
# Writes metareg_bcg.json and metareg_bangertdrowns2004.json. Run from tests/reference/: Rscript scripts/metareg.R
suppressMessages({ library(metafor); library(jsonlite) })
num17 <- function(x) {
  if (is.null(x) || length(x) == 0) return(structure("null", class = "json"))
  structure(if (is.na(x)) '"NA"' else sprintf("%.17g", x), class = "json")
}
arr17 <- function(x) structure(paste0("[", paste(ifelse(is.na(x), '"NA"', sprintf("%.17g", x)), collapse = ", "), "]"),
                               class = "json")
mat17 <- function(m) structure(paste0("[", paste(apply(m, 1, function(r) arr17(r)), collapse = ", "), "]"), class = "json")
methods <- c("EE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM")
fit_all <- function(dat, models, tests = c("z", "knha")) {
  out <- list()
  for (name in names(models)) {
    spec <- models[[name]]
    for (m in methods) for (t in tests) {
      res <- tryCatch(suppressWarnings(rma(yi, vi, mods = spec$formula, data = dat, method = m, test = t)),
                      error = function(e) e)
      entry <- list(model = name, moderators = spec$moderators, categorical = spec$categorical,
                    intercept = spec$intercept, method = m, test = t)
      if (inherits(res, "error")) {
        entry$error <- conditionMessage(res)
      } else {
        entry <- c(entry, list(
          rows = which(res$not.na), coef_names = rownames(res$beta),
          b = arr17(as.numeric(res$beta)), se = arr17(res$se), zval = arr17(res$zval), pval = arr17(res$pval),
          ci_lb = arr17(res$ci.lb), ci_ub = arr17(res$ci.ub), vb = mat17(res$vb),
          tau2 = num17(res$tau2), se_tau2 = num17(res$se.tau2), I2 = num17(res$I2), H2 = num17(res$H2),
          R2 = num17(res$R2), QE = num17(res$QE), QEp = num17(res$QEp), QM = num17(res$QM), QMp = num17(res$QMp),
          QMdf = arr17(res$QMdf), weights = arr17(as.numeric(weights(res))),
          fitted = arr17(as.numeric(fitted(res))), resid = arr17(as.numeric(resid(res)))))
      }
      out[[length(out) + 1]] <- entry
    }
  }
  out
}
provenance <- list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                   generated = format(Sys.time(), tz = "UTC", usetz = TRUE), script = "scripts/metareg.R")

# ---- dat.bcg ----
bcg <- read.csv("../data/dat.bcg.csv")  # = metafor's dat.bcg (tests/data/SOURCES.md)
bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
bcg$alloc <- factor(bcg$alloc)
models <- list(
  ablat = list(formula = ~ ablat, moderators = "ablat", categorical = FALSE, intercept = TRUE),
  year = list(formula = ~ year, moderators = "year", categorical = FALSE, intercept = TRUE),
  alloc = list(formula = ~ alloc, moderators = "alloc", categorical = TRUE, intercept = TRUE),
  ablat_year = list(formula = ~ ablat + year, moderators = c("ablat", "year"), categorical = c(FALSE, FALSE),
                    intercept = TRUE),
  ablat_alloc = list(formula = ~ ablat + alloc, moderators = c("ablat", "alloc"), categorical = c(FALSE, TRUE),
                     intercept = TRUE),
  ablat_noint = list(formula = ~ ablat - 1, moderators = "ablat", categorical = FALSE, intercept = FALSE))
out <- list(provenance = provenance, dataset = "dat.bcg", measure = "RR",
            data = list(study = paste(bcg$author, bcg$year), yi = arr17(as.numeric(bcg$yi)),
                        vi = arr17(as.numeric(bcg$vi)), ablat = arr17(bcg$ablat), year = arr17(bcg$year),
                        alloc = as.character(bcg$alloc)),
            fits = fit_all(bcg, models, tests = c("z", "knha", "adhoc")))
writeLines(toJSON(out, auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE, digits = NA), "metareg_bcg.json")

# ---- dat.bangertdrowns2004 ----
bd <- read.csv("../data/dat.bangertdrowns2004.csv")  # = metafor's dat.bangertdrowns2004
bd$grade <- factor(bd$grade)
models <- list(
  length = list(formula = ~ length, moderators = "length", categorical = FALSE, intercept = TRUE),
  grade = list(formula = ~ grade, moderators = "grade", categorical = TRUE, intercept = TRUE),
  wic = list(formula = ~ wic, moderators = "wic", categorical = FALSE, intercept = TRUE),
  meta = list(formula = ~ meta, moderators = "meta", categorical = FALSE, intercept = TRUE),
  length_grade_meta = list(formula = ~ length + grade + meta, moderators = c("length", "grade", "meta"),
                           categorical = c(FALSE, TRUE, FALSE), intercept = TRUE))
out <- list(provenance = provenance, dataset = "dat.bangertdrowns2004", measure = "SMD",
            data = list(study = paste(bd$author, bd$year), yi = arr17(bd$yi), vi = arr17(bd$vi),
                        length = arr17(bd$length), grade = as.character(bd$grade), wic = arr17(bd$wic),
                        meta = arr17(bd$meta)),
            fits = fit_all(bd, models))
writeLines(toJSON(out, auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE, digits = NA),
           "metareg_bangertdrowns2004.json")

# ---- Thompson & Sharp (1999) test, as R meta (>= 4.17) metabias(method.bias = "Thompson") ----
# meta's linregcore(TE, seTE, model = "rma", method.tau = x$method.tau) fits
# rma.uni(TE, sei = seTE, method = method.tau, test = "t") and calls metafor::regtest(model = "rma",
# predictor = "sei"), i.e. rma(yi, vi, mods = ~ sqrt(vi), method = method.tau, test = "t"): slope of sei with
# its (unscaled) se, t = slope/se with k - 2 df. meta is not installed here, so the same call is made with
# metafor 3.8-1 (regtest()'s numbers are checked to equal the direct rma() fit).
ts_one <- function(yi, vi, m) {
  fit0 <- rma(yi, vi, method = m, test = "t")
  reg <- regtest(fit0, model = "rma", predictor = "sei")
  direct <- rma(yi, vi, mods = ~ sqrt(vi), method = m, test = "t")
  stopifnot(isTRUE(all.equal(reg$zval, direct$zval[2], tolerance = 1e-12)))
  list(method = m, slope = num17(direct$beta[2]), slope_se = num17(direct$se[2]), statistic = num17(reg$zval),
       df = reg$dfs, pval = num17(reg$pval), limit_estimate = num17(direct$beta[1]),
       limit_se = num17(direct$se[1]), limit_ci_lb = num17(direct$ci.lb[1]), limit_ci_ub = num17(direct$ci.ub[1]),
       tau2 = num17(direct$tau2))
}
hack <- read.csv("../data/dat.hackshaw1998.csv")  # = metafor's dat.hackshaw1998
sets <- list(list(name = "dat.bcg", yi = as.numeric(bcg$yi), vi = as.numeric(bcg$vi)),
             list(name = "dat.hackshaw1998", yi = hack$yi, vi = hack$vi),
             list(name = "dat.bangertdrowns2004", yi = bd$yi, vi = bd$vi))
out <- list(provenance = provenance, test = "Thompson & Sharp 1999 (meta metabias(method.bias = \"Thompson\"))",
            datasets = lapply(sets, function(s)
              list(dataset = s$name, yi = arr17(s$yi), vi = arr17(s$vi),
                   fits = lapply(c("DL", "REML", "PM", "ML", "HS", "SJ", "HE", "EB"),
                                 function(m) suppressWarnings(ts_one(s$yi, s$vi, m))))))
writeLines(toJSON(out, auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE, digits = NA),
           "metareg_thompson_sharp.json")
