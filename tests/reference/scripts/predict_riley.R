# Prediction intervals with t(k-2) df (Higgins, Thompson & Spiegelhalter 2009, eq. 12; metafor's
# predict(pi.type = "riley")) for every pairwise_*.json file with study-level `data`, tau2 by DL and
# REML. Writes predict_riley_higgins2009.json. Run from tests/reference/: Rscript scripts/predict_riley.R
suppressMessages({ library(metafor); library(jsonlite) })
out <- list(provenance = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                              generated = format(Sys.time(), tz = "UTC", usetz = TRUE),
                              script = "scripts/predict_riley.R"))
files <- sort(list.files(".", pattern = "^pairwise_.*\\.json$"))
for (f in files) {
  ref <- fromJSON(f, simplifyVector = TRUE)
  if (is.null(ref[["data"]])) next  # [[ ]]: no partial matching of "dataset"
  d <- ref[["data"]]; used <- d$used
  yi <- as.numeric(d$yi[used]); vi <- as.numeric(d$vi[used])
  res <- list()
  for (m in c("DL", "REML")) {
    fit <- rma(yi, vi, method = m)
    p <- predict(fit, pi.type = "riley")
    num17 <- function(x) structure(sprintf("%.17g", x), class = "json")  # 17 significant digits
    res[[m]] <- list(pred = num17(p$pred), se = num17(p$se), pi.lb = num17(p$pi.lb), pi.ub = num17(p$pi.ub),
                     pi.df = nrow(fit$X) - 2)
  }
  out[[sub("\\.json$", "", f)]] <- res
}
writeLines(toJSON(out, auto_unbox = TRUE, json_verbatim = TRUE, pretty = TRUE), "predict_riley_higgins2009.json")
