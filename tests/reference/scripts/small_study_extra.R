# Small-study and sensitivity cross-checks beyond the `regtest`/`ranktest`/`trimfill`/`leave1out` keys of the
# pairwise_*.json files: regtest(model = "rma", predictor = "sei") with ML, HE, HS, EB and with REML +
# test = "knha"; ranktest(exact = FALSE); trimfill(estimator = "R0") with REML and EE; trimfill(side = "left")
# with DL; cumul() of REML in the order of increasing vi (order0: 0-based positions, order(vi) - 1).
# For every pairwise_*.json file with study-level `data` (rows with `used`). Writes small_study_extra.json.
# Run from tests/reference/:
# Rscript scripts/small_study_extra.R
suppressMessages({ library(metafor); library(jsonlite) })
num17 <- function(x) structure(if (length(x) == 0) "[]" else paste0("[", paste(ifelse(is.na(x), "\"NA\"",
                               sprintf("%.17g", x)), collapse = ","), "]"), class = "json")
out <- list(provenance = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                              generated = format(Sys.time(), tz = "UTC", usetz = TRUE),
                              script = "scripts/small_study_extra.R"))
files <- sort(list.files(".", pattern = "^pairwise_.*\\.json$"))
for (f in files) {
  ref <- fromJSON(f, simplifyVector = TRUE)
  if (is.null(ref[["data"]])) next
  d <- ref[["data"]]; used <- d$used
  yi <- as.numeric(d$yi[used]); vi <- as.numeric(d$vi[used])
  res <- list()
  reg <- list()
  for (m in c("ML", "HE", "HS", "EB", "REML_knha")) {
    fit <- if (m == "REML_knha") rma(yi, vi, method = "REML", test = "knha") else rma(yi, vi, method = sub("_knha", "", m))
    r <- tryCatch(regtest(fit, model = "rma", predictor = "sei"), error = function(e) NULL)
    reg[[m]] <- if (is.null(r)) list(error = TRUE) else
      list(stat = num17(r$zval), pval = num17(r$pval), df = if (is.null(r$ddf) || is.na(r$ddf)) NULL else r$ddf,
           limit_estimate = num17(r$est), limit_ci.lb = num17(r$ci.lb), limit_ci.ub = num17(r$ci.ub),
           tau2 = num17(r$fit$tau2))
  }
  res$regtest <- reg
  rk <- ranktest(yi, vi, exact = FALSE)
  res$ranktest_normal <- list(tau = num17(rk$tau), pval = num17(rk$pval))
  tf <- list()
  for (m in c("R0_REML", "R0_EE", "left_DL")) {
    meth <- sub(".*_", "", m)
    fit <- rma(yi, vi, method = meth)
    t <- tryCatch(if (startsWith(m, "R0")) trimfill(fit, estimator = "R0") else trimfill(fit, side = "left"),
                  error = function(e) NULL)
    tf[[m]] <- if (is.null(t)) list(error = TRUE) else
      list(k0 = t$k0, se.k0 = num17(t$se.k0), p.k0 = num17(t$p.k0), side = t$side, k = t$k,
           estimate = num17(t$beta), se = num17(t$se), pval = num17(t$pval), tau2 = num17(t$tau2),
           I2 = num17(t$I2), QE = num17(t$QE), filled_yi = num17(t$yi[t$fill]), filled_vi = num17(t$vi[t$fill]))
  }
  res$trimfill <- tf
  ord <- order(vi)
  cm <- cumul(rma(yi, vi, method = "REML"), order = vi)  # metafor 3.8-1: `order` is a variable to sort by
  res$cumul_REML_by_vi <- list(order0 = ord - 1, estimate = num17(cm$estimate), se = num17(cm$se),
                               pval = num17(cm$pval), ci.lb = num17(cm$ci.lb), ci.ub = num17(cm$ci.ub),
                               Q = num17(cm$Q), tau2 = num17(cm$tau2), I2 = num17(cm$I2), H2 = num17(cm$H2))
  out[[sub("\\.json$", "", f)]] <- res
}
writeLines(toJSON(out, auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE, null = "null"), "small_study_extra.json")
