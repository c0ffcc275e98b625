# Comparison-adjusted funnel plot (Chaimani et al. 2013, doi:10.1371/journal.pone.0076654) and the tests
# for funnel-plot asymmetry on its points, as netmeta 3.4-0 funnel.netmeta(order = ..., method.bias =
# c("Egger", "Begg", "Thompson")) computes them. netmeta and meta are not installed here, so the steps of
# funnel.netmeta() are redone in base R from netmeta's own output stored in nma_<dataset>.json
# (netmeta_DL$comparisons_data and the TE.direct.common / TE.direct.random matrices):
#  - each contrast (treat1 vs treat2, seTE) is turned so that treat1 comes before treat2 in `order`
#    (TE negated when turned); rows are sorted by (position of treat1, position of treat2), ties in input
#    order (R order() is stable);
#  - TE.adj = TE - TE.direct[treat1, treat2] (direct pairwise estimate of the comparison, common or
#    random model), plotted against seTE (the contrast's own SE, not the multi-arm adjusted one);
#  - Egger (meta metabias "Egger" = linreg): lm(TE.adj / seTE ~ I(1 / seTE)), t test of the intercept;
#  - Begg (meta metabias "Begg" = rank): Kendall's tau between (TE.adj - TE.common) / sqrt(seTE^2 -
#    1 / sum(w)) and seTE^2, normal approximation with tie-corrected variance, no continuity correction
#    (cor.test(method = "kendall", exact = FALSE) gives the same statistic);
#  - Thompson (meta >= 4.17 metabias "Thompson"): metafor rma.uni(TE.adj, sei = seTE, method = "DL",
#    test = "t") and regtest(model = "rma", predictor = "sei") (funnel.netmeta's metagen() uses DL).
# Writes nma_funnel_<dataset>.json (17 significant digits). Run from tests/reference/:
# Rscript scripts/nma_funnel.R
suppressMessages({ library(metafor); library(jsonlite) })
num17 <- function(x) structure(if (length(x) == 0) "[]" else paste0("[", paste(ifelse(is.na(x), "\"NA\"",
                               sprintf("%.17g", x)), collapse = ","), "]"), class = "json")
one17 <- function(x) structure(if (is.na(x)) "\"NA\"" else sprintf("%.17g", x), class = "json")
ref_matrix <- function(m) {
  d <- m$data
  x <- matrix(suppressWarnings(as.numeric(unlist(lapply(seq_len(nrow(d)), function(i) d[i, ])))),
              nrow = length(m$rownames), byrow = TRUE, dimnames = list(m$rownames, m$colnames))
  x
}
funnel_tests <- function(TE, seTE) {
  # Egger: standard normal deviate on precision
  snd <- TE / seTE; prec <- 1 / seTE
  eg <- summary(lm(snd ~ prec))$coefficients
  k <- length(TE)
  egger <- list(bias = one17(eg[1, 1]), se_bias = one17(eg[1, 2]), statistic = one17(eg[1, 3]),
                df = k - 2, p_value = one17(eg[1, 4]), slope = one17(eg[2, 1]))
  # Begg
  w <- 1 / seTE^2
  te_common <- sum(w * TE) / sum(w)
  std <- (TE - te_common) / sqrt(seTE^2 - 1 / sum(w))
  ct <- suppressWarnings(cor.test(std, seTE^2, method = "kendall", exact = FALSE))
  begg <- list(tau = one17(unname(ct$estimate)), statistic = one17(unname(ct$statistic)),
               p_value = one17(ct$p.value))
  # Thompson-Sharp
  fit <- rma.uni(TE, sei = seTE, method = "DL", test = "t")
  rt <- regtest(fit, model = "rma", predictor = "sei")
  thompson <- list(statistic = one17(rt$zval), df = rt$ddf, p_value = one17(rt$pval),
                   slope = one17(coef(rt$fit)[2]), slope_se = one17(rt$fit$se[2]),
                   limit_estimate = one17(rt$est), tau2 = one17(rt$fit$tau2))
  list(k = k, egger = egger, begg = begg, thompson = thompson)
}
orders <- list(
  # netmeta's help page of funnel.netmeta (Senn2013): c("a", "b", "me", "mi", "pi", "r", "si", "su", "v", "pl")
  Senn2013_MD = c("acar", "benf", "metf", "migl", "piog", "rosi", "sita", "sulf", "vild", "plac"),
  # placebo first, then older to newer: inhaled steroid, long-acting beta agonist, the combination
  Woods2010_OR = c("Placebo", "Fluticasone", "Salmeterol", "SFC"),
  Linde2016_OR = NULL)
for (ds in names(orders)) {
  ref <- fromJSON(paste0("nma_", ds, ".json"), simplifyVector = TRUE)
  net <- ref$netmeta_DL
  ord <- orders[[ds]]
  if (is.null(ord)) ord <- c("Placebo", setdiff(net$trts, "Placebo"))  # Linde2016: placebo first, then netmeta's trts order
  cd <- net$comparisons_data
  studlab <- as.character(cd$studlab); t1 <- cd$treat1; t2 <- cd$treat2
  TE <- as.numeric(cd$TE); seTE <- as.numeric(cd$seTE)
  p1 <- match(t1, ord); p2 <- match(t2, ord)
  wo <- p1 > p2
  TE[wo] <- -TE[wo]
  tt <- t1; t1[wo] <- t2[wo]; t2[wo] <- tt[wo]
  tp <- p1; p1[wo] <- p2[wo]; p2[wo] <- tp[wo]
  o <- order(p1, p2)
  studlab <- studlab[o]; t1 <- t1[o]; t2 <- t2[o]; TE <- TE[o]; seTE <- seTE[o]
  out <- list(provenance = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                                generated = format(Sys.time(), tz = "UTC", usetz = TRUE),
                                script = "scripts/nma_funnel.R",
                                from = paste0("nma_", ds, ".json (netmeta 3.4-0, netmeta_DL)")),
              order = ord, studlab = studlab, treat1 = t1, treat2 = t2,
              comparison = paste(t1, t2, sep = ":"), TE = num17(TE), seTE = num17(seTE))
  for (pooled in c("common", "random")) {
    dir <- ref_matrix(net[[pooled]][[paste0("TE.direct.", pooled)]])
    TE.direct <- dir[cbind(t1, t2)]
    TE.adj <- TE - TE.direct
    out[[pooled]] <- c(list(TE.direct = num17(TE.direct), TE.adj = num17(TE.adj)), funnel_tests(TE.adj, seTE))
  }
  writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE, digits = NA, json_verbatim = TRUE), paste0("nma_funnel_", ds, ".json"))
  cat("wrote nma_funnel_", ds, ".json (", length(TE), " contrasts)\n", sep = "")
}
