# Subgroup analysis of dat.bcg (log risk ratios, escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg);
# subgroups = alloc) with metafor 3.8-1, for evident's subgroup_analysis(). For the common-effect model
# (EE) and for tau2 by DL, REML, ML and HE:
#   - per subgroup: rma(yi, vi, method = m, subset = alloc == g) (EE: method = "EE"): estimate, se, tau2,
#     Q, k;
#   - test for subgroup differences with a separate tau2 per subgroup (meta's default):
#     rma(est, sei = se, method = "FE") on the subgroup estimates: QE, QEp (df = G - 1);
#   - with a tau2 common to all subgroups: rma(yi, vi, mods = ~ factor(alloc), method = m): QM, QMp,
#     tau2 (residual heterogeneity), QE (for EE this QM is Q total - sum Q within); the subgroup
#     estimates under that common tau2 from rma(yi, vi, mods = ~ factor(alloc) - 1, method = m): b, se.
# Writes subgroup_bcg_RR.json. Run from tests/reference/: Rscript scripts/subgroup_bcg.R
suppressMessages({ library(metafor); library(jsonlite) })
num17 <- function(x) structure(sprintf("%.17g", x), class = "json")  # 17 significant digits
arr17 <- function(x) structure(paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]"), class = "json")
dat.bcg <- read.csv("../data/dat.bcg.csv")  # = metafor's dat.bcg (tests/data/SOURCES.md)
dat <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
groups <- sort(unique(as.character(dat$alloc)))
out <- list(provenance = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                              generated = format(Sys.time(), tz = "UTC", usetz = TRUE),
                              script = "scripts/subgroup_bcg.R"),
            dataset = "dat.bcg", measure = "RR", group_variable = "alloc",
            data = list(yi = arr17(as.numeric(dat$yi)), vi = arr17(as.numeric(dat$vi)),
                        group = as.character(dat$alloc)),
            groups = groups)
for (m in c("EE", "DL", "REML", "ML", "HE")) {
  est <- se <- tau2 <- Q <- k <- numeric(0)
  for (g in groups) {
    fit <- rma(yi, vi, data = dat, subset = alloc == g, method = m)
    est <- c(est, as.numeric(fit$b)); se <- c(se, fit$se); tau2 <- c(tau2, fit$tau2)
    Q <- c(Q, fit$QE); k <- c(k, fit$k)
  }
  sep <- rma(est, sei = se, method = "FE")
  mod <- rma(yi, vi, mods = ~ factor(alloc), data = dat, method = m)
  cells <- rma(yi, vi, mods = ~ factor(alloc) - 1, data = dat, method = m)  # subgroup means, common tau2
  out[[m]] <- list(
    subgroups = list(estimate = arr17(est), se = arr17(se), tau2 = arr17(tau2), Q = arr17(Q), k = k),
    separate_tau2 = list(Q = num17(sep$QE), df = length(groups) - 1, p = num17(sep$QEp)),
    common_tau2 = list(QM = num17(mod$QM), QMdf = mod$QMdf[1], QMp = num17(mod$QMp), tau2 = num17(mod$tau2),
                       QE = num17(mod$QE), QEp = num17(mod$QEp),
                       estimate = arr17(as.numeric(cells$b)), se = arr17(cells$se)))
}
writeLines(toJSON(out, auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE, digits = NA), "subgroup_bcg_RR.json")
