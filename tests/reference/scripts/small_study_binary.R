# Small-study tests for 2x2 tables (tests/unit/pairwise/small_study_binary_test.cpp). Run from tests/reference/:
#   Rscript scripts/small_study_binary.R
# Writes small_study_binary_<dataset>.json for dat.egger2001, dat.li2007, dat.bcg and dat.collins1985a
# (bleeding), the counts read from ../data/*.csv (arm 1 = experimental = R meta's event.e / n.e).
# meta is not installed here: Harbord's and Peters' tests are written out as R meta 8.3-0 metabias() defines
# them (method.bias = "Harbord" / "Peters"; meta's R/metabias.R and linregcore(), which call metafor regtest(
# model = "lm")), with plain arithmetic and lm():
#   - studies with no events or no non-events in both arms are left out (meta: TE is NA for them);
#   - Harbord (Harbord, Egger & Sterne 2006, Stat Med 25:3443, eq. 2-3 there): Z = a - (a + c) n1 / N,
#     V = n1 n2 (a + c) (b + d) / (N^2 (N - 1)); lm(Z/V ~ 1/sqrt(V), weights = V); "bias" is the coefficient
#     of 1/sqrt(V) (the intercept of Z/sqrt(V) on sqrt(V)), t test with k - 2 df;
#   - Peters (Peters et al. 2006, JAMA 295:676): ln OR with 1/2 added to every cell of a table with a zero
#     cell (meta's incr = 0.5, method.incr = "only0"); lm(lnOR ~ I(1/N), weights = 1 / (1/(a + c) + 1/(b + d)));
#     "bias" is the coefficient of 1/N, t test with k - 2 df.
# metafor 3.8-1 (installed): regtest(predictor = "ninv") on escalc("OR") defaults (to = "only0", drop00 = FALSE),
# models rma with REML, DL and EE, and lm.
suppressMessages({ library(metafor); library(jsonlite) })
num17 <- function(x) structure(if (length(x) == 0) "[]" else paste0("[", paste(ifelse(is.na(x), "\"NA\"",
                               sprintf("%.17g", x)), collapse = ","), "]"), class = "json")
lm_row <- function(fit, j) {
  co <- coef(summary(fit))
  list(estimate = num17(co[j, 1]), se = num17(co[j, 2]), statistic = num17(co[j, 3]), pval = num17(co[j, 4]))
}
datasets <- list(
  dat.egger2001 = function() { d <- read.csv("../data/dat.egger2001.csv"); data.frame(study = paste(d$study, d$year), a = d$ai, n1 = d$n1i, c = d$ci, n2 = d$n2i) },
  dat.li2007 = function() { d <- read.csv("../data/dat.li2007.csv"); data.frame(study = paste(d$study, d$year), a = d$ai, n1 = d$n1i, c = d$ci, n2 = d$n2i) },
  dat.bcg = function() { d <- read.csv("../data/dat.bcg.csv"); data.frame(study = paste(d$author, d$year), a = d$tpos, n1 = d$tpos + d$tneg, c = d$cpos, n2 = d$cpos + d$cneg) },
  dat.collins1985a_bleeding = function() {
    d <- read.csv("../data/dat.collins1985a.csv"); d <- d[!is.na(d$b.xti) & !is.na(d$b.xci), ]
    data.frame(study = paste(d$trial, d$year), a = d$b.xti, n1 = d$nti, c = d$b.xci, n2 = d$nci) })
for (name in names(datasets)) {
  d <- datasets[[name]]()
  d <- d[complete.cases(d), ]
  for (v in c("a", "n1", "c", "n2")) d[[v]] <- as.numeric(d[[v]])  # as meta's int2num(): no integer overflow
  b <- d$n1 - d$a; dd <- d$n2 - d$c; N <- d$n1 + d$n2
  keep <- (d$a + d$c) > 0 & (b + dd) > 0
  s <- d[keep, ]; bs <- b[keep]; ds <- dd[keep]; Ns <- N[keep]
  # Harbord
  Z <- s$a - (s$a + s$c) * s$n1 / Ns
  V <- s$n1 * s$n2 * (s$a + s$c) * (bs + ds) / (Ns^2 * (Ns - 1))
  y <- Z / V; x <- 1 / sqrt(V)
  fh <- lm(y ~ x, weights = V)
  ols <- lm(I(Z / sqrt(V)) ~ sqrt(V))  # the paper's form: the intercept is the same number
  harbord <- list(k = sum(keep), df = fh$df.residual, bias = lm_row(fh, 2), intercept = lm_row(fh, 1),
                  sigma = num17(summary(fh)$sigma), Z = num17(Z), V = num17(V),
                  ols_intercept = lm_row(ols, 1), ols_slope = lm_row(ols, 2))
  # Peters (meta's convention)
  zero <- s$a == 0 | bs == 0 | s$c == 0 | ds == 0
  inc <- ifelse(zero, 0.5, 0)
  lnor <- log(((s$a + inc) * (ds + inc)) / ((bs + inc) * (s$c + inc)))
  w <- 1 / (1 / (s$a + s$c) + 1 / (bs + ds))
  ninv <- 1 / Ns
  fp <- lm(lnor ~ ninv, weights = w)
  peters <- list(k = sum(keep), df = fp$df.residual, bias = lm_row(fp, 2), intercept = lm_row(fp, 1),
                 sigma = num17(summary(fp)$sigma), yi = num17(lnor))
  # metafor regtest(predictor = "ninv") on escalc defaults (all rows)
  es <- escalc("OR", ai = d$a, n1i = d$n1, ci = d$c, n2i = d$n2, slab = d$study)
  rt <- list()
  for (m in c("REML", "DL", "EE", "lm")) {
    r <- if (m == "lm") regtest(rma(yi, vi, data = es, method = "REML", ni = N), predictor = "ninv", model = "lm")
         else regtest(rma(yi, vi, data = es, method = m, ni = N), predictor = "ninv")
    if (m == "lm") {
      co <- coef(summary(r$fit))
      fitpart <- list(slope = num17(co[2, 1]), slope_se = num17(co[2, 2]), intercept = num17(co[1, 1]),
                      intercept_se = num17(co[1, 2]), tau2 = num17(0))
    } else {
      fitpart <- list(slope = num17(r$fit$beta[2]), slope_se = num17(r$fit$se[2]), intercept = num17(r$fit$beta[1]),
                      intercept_se = num17(r$fit$se[1]), tau2 = num17(r$fit$tau2))
    }
    rt[[m]] <- c(list(stat = num17(r$zval), pval = num17(r$pval), df = if (is.null(r$dfs) || is.na(r$dfs)) NULL else r$dfs,
                      limit_estimate = num17(r$est), limit_ci.lb = num17(r$ci.lb), limit_ci.ub = num17(r$ci.ub)), fitpart)
  }
  out <- list(provenance = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                                generated = format(Sys.time(), tz = "UTC", usetz = TRUE),
                                script = "scripts/small_study_binary.R"),
              dataset = name,
              data = list(study = d$study, events1 = num17(d$a), n1 = num17(d$n1), events2 = num17(d$c), n2 = num17(d$n2),
                          used_meta = keep),
              harbord_meta = harbord, peters_meta = peters, metafor_regtest_ninv = rt)
  writeLines(toJSON(out, auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE, null = "null", digits = NA),
             paste0("small_study_binary_", name, ".json"))
}
