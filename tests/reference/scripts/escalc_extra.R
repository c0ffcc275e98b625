# Extra effect-size reference values computed with metafor::escalc (Debian r-cran-metafor 3.8-1, R 4.2.2).
# Run from tests/reference/:  Rscript scripts/escalc_extra.R
# Writes escalc_<dataset>_<measure>.json: inputs, settings, yi and vi per row (17 significant digits).
suppressMessages({ library(metafor); library(jsonlite) })
# Numbers with 17 significant digits (jsonlite keeps at most 15); NA as the string "NA".
num17 <- function(x) structure(paste0("[", paste(ifelse(is.na(x), '"NA"', sprintf("%.17g", x)), collapse = ", "), "]"),
                               class = "json")
out <- function(name, dat, es, settings, rows) {
  res <- list(provenance = list(R = R.version.string, metafor = as.character(packageVersion("metafor")),
                                script = "tests/reference/scripts/escalc_extra.R"),
              dataset = name, settings = settings, rows = rows,
              yi = num17(es$yi), vi = num17(es$vi))
  writeLines(toJSON(res, auto_unbox = TRUE, na = "string", null = "null", pretty = TRUE, json_verbatim = TRUE),
             sprintf("escalc_%s.json", name))
}
d <- read.csv("../data/dat.li2007.csv")
for (m in c("OR", "RR", "RD")) {
  es <- escalc(m, ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d)
  out(sprintf("dat.li2007_%s", m), d, es, list(measure = m, add = 0.5, to = "only0"), d$study)
}
# dat.yusuf1985: rows with missing counts dropped first (as the evident test does).
d <- read.csv("../data/dat.yusuf1985.csv", colClasses = c(table = "character", id = "character"))
d <- d[complete.cases(d[, c("ai", "n1i", "ci", "n2i")]), ]
es <- escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d)
out("dat.yusuf1985_OR", d, es, list(measure = "OR", add = 0.5, to = "only0", note = "rows with NA counts dropped"),
    paste(d$table, d$id))
es <- escalc("OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d, to = "all")
out("dat.yusuf1985_OR_toall", d, es, list(measure = "OR", add = 0.5, to = "all"), paste(d$table, d$id))
es <- escalc("RR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = d, to = "if0all")
out("dat.yusuf1985_RR_if0all", d, es, list(measure = "RR", add = 0.5, to = "if0all"), paste(d$table, d$id))
d <- read.csv("../data/dat.curtis1998.csv")
for (m in c("ROM", "MD", "SMD")) {
  es <- escalc(m, m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = d)
  out(sprintf("dat.curtis1998_%s", m), d, es, list(measure = m, vtype = "LS"), d$id)
}
d <- read.csv("../data/dat.pritz1997.csv")
for (m in c("PR", "PLO", "PLN", "PAS")) {
  es <- escalc(m, xi = xi, ni = ni, data = d)
  out(sprintf("dat.pritz1997_%s", m), d, es, list(measure = m, add = 0.5, to = "only0"), d$study)
}
