# Cross-check of multi-arm effect sizes: every pair of arms of every study, computed with
# metafor::escalc (Debian r-cran-metafor 3.8-1, R 4.2.2) under netmeta::pairwise()'s conventions as
# documented in netmeta 3.4-0 (?pairwise): pairs (i, j), i < j, in arm order; for binary data a
# continuity correction of 0.5 is added to all cells of ALL arms of a study in which any arm has no
# events or only events (incr = 0.5, method.incr = "only0"); pairs with no events (or only events) in
# both arms give no OR (allstudies = FALSE). netmeta itself is not packaged for Debian, so this is
# escalc + those documented rules, not netmeta's own output.
# Run from tests/reference/:  Rscript scripts/pairwise_escalc.R
suppressMessages({ library(metafor); library(jsonlite) })
num17 <- function(x) structure(paste0("[", paste(ifelse(is.na(x), '"NA"', sprintf("%.17g", x)), collapse = ", "), "]"),
                               class = "json")
# arms: data.frame(study, treat, event, n) or (study, treat, mean, sd, n), in file order
pairs_binary <- function(arms) {
  out <- list()
  for (s in unique(arms$study)) {
    a <- arms[arms$study == s, ]
    sparse <- any(a$event == 0 | a$event == a$n)
    for (i in seq_len(nrow(a) - 1)) for (j in (i + 1):nrow(a)) {
      es <- escalc("OR", ai = a$event[i], n1i = a$n[i], ci = a$event[j], n2i = a$n[j],
                   add = if (sparse) 0.5 else 0, to = if (sparse) "all" else "none")
      double0 <- (a$event[i] == 0 && a$event[j] == 0) || (a$event[i] == a$n[i] && a$event[j] == a$n[j])
      out[[length(out) + 1]] <- data.frame(study = as.character(s), treat1 = a$treat[i], treat2 = a$treat[j],
                                           yi = if (double0) NA else as.numeric(es$yi),
                                           vi = if (double0) NA else as.numeric(es$vi))
    }
  }
  do.call(rbind, out)
}
pairs_md <- function(arms) {
  out <- list()
  for (s in unique(arms$study)) {
    a <- arms[arms$study == s, ]
    for (i in seq_len(nrow(a) - 1)) for (j in (i + 1):nrow(a)) {
      es <- escalc("MD", m1i = a$mean[i], sd1i = a$sd[i], n1i = a$n[i], m2i = a$mean[j], sd2i = a$sd[j], n2i = a$n[j])
      out[[length(out) + 1]] <- data.frame(study = as.character(s), treat1 = a$treat[i], treat2 = a$treat[j],
                                           yi = as.numeric(es$yi), vi = as.numeric(es$vi))
    }
  }
  do.call(rbind, out)
}
wide_to_long <- function(d, study, tcol, cols, k = 3) {
  out <- list()
  for (r in seq_len(nrow(d))) for (j in seq_len(k)) {
    t <- d[[sprintf(tcol, j)]][r]
    if (is.null(t) || is.na(t) || t == "") next
    row <- data.frame(study = as.character(d[[study]][r]), treat = as.character(t))
    for (nm in names(cols)) row[[nm]] <- d[[sprintf(cols[[nm]], j)]][r]
    if (any(is.na(row[, names(cols)]))) next
    out[[length(out) + 1]] <- row
  }
  do.call(rbind, out)
}
write_ref <- function(name, file, measure, res) {
  writeLines(toJSON(list(provenance = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                                           script = "tests/reference/scripts/pairwise_escalc.R"),
                         dataset = file, measure = measure, study = res$study, treat1 = res$treat1,
                         treat2 = res$treat2, yi = num17(res$yi), vi = num17(res$vi)),
                    auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE),
             sprintf("pairwise_escalc_%s.json", name))
}
rd <- function(f) read.csv(file.path("../data", f), stringsAsFactors = FALSE)
d <- rd("Baker2009.csv"); write_ref("Baker2009_OR", "Baker2009.csv", "OR",
  pairs_binary(data.frame(study = d$study, treat = d$treatment, event = d$exac, n = d$total)))
d <- rd("Dong2013.csv"); write_ref("Dong2013_OR", "Dong2013.csv", "OR",
  pairs_binary(data.frame(study = d$id, treat = d$treatment, event = d$death, n = d$randomized)))
d <- rd("Gurusamy2011.csv"); write_ref("Gurusamy2011_OR", "Gurusamy2011.csv", "OR",
  pairs_binary(data.frame(study = d$study, treat = d$treatment, event = d$death, n = d$n)))
d <- rd("dat.hasselblad1998.csv"); write_ref("hasselblad1998_OR", "dat.hasselblad1998.csv", "OR",
  pairs_binary(data.frame(study = d$study, treat = d$trt, event = d$xi, n = d$ni)))
d <- rd("metabook_Linde2016.csv"); write_ref("metabook_Linde2016_OR", "metabook_Linde2016.csv", "OR",
  pairs_binary(data.frame(study = d$id, treat = d$int, event = d$resp, n = d$n)))
d <- rd("Linde2015.csv"); l <- wide_to_long(d, "id", "treatment%d", list(event = "resp%d", n = "n%d"))
write_ref("Linde2015_resp_OR", "Linde2015.csv", "OR", pairs_binary(l))
d <- rd("Stowe2010.csv"); l <- wide_to_long(d, "study", "t%d", list(mean = "y%d", sd = "sd%d", n = "n%d"))
write_ref("Stowe2010_MD", "Stowe2010.csv", "MD", pairs_md(l))
d <- rd("Franchini2012.csv"); l <- wide_to_long(d, "Study", "Treatment%d", list(mean = "y%d", sd = "sd%d", n = "n%d"))
write_ref("Franchini2012_MD", "Franchini2012.csv", "MD", pairs_md(l))
d <- rd("dat.senn2013.csv"); write_ref("senn2013_MD", "dat.senn2013.csv", "MD",
  pairs_md(data.frame(study = d$study, treat = d$treatment, mean = d$mi, sd = d$sdi, n = d$ni)))
