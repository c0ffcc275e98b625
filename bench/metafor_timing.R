# R metafor timings on the data of bench/bench_pairwise.cpp and bench/whole_process.sh, for the ratios in
# bench/README.md. Needs R with metafor (not needed to build or test evident).
# Usage: Rscript bench/metafor_timing.R BIG.csv|- BATCH.csv|- [N_META]
#   BIG.csv: tests/data/synthetic_pairwise_5000.csv, timed once (rma() on 5,000 studies takes minutes:
#   metafor 3.8-1 works with k x k matrices); "-" skips it.
#   BATCH.csv: from bench/make_batch_input.py --csv (columns id, yi, vi); N_META (default: all) times only
#   the first N_META meta-analyses and extrapolates to all of them.
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
cat(sprintf("metafor %s, R %s\n", packageVersion("metafor"), getRversion()))
report <- function(what, t) cat(sprintf("%-58s %9.3f s elapsed, %9.3f s user+sys\n", what, t[["elapsed"]],
                                        t[["user.self"]] + t[["sys.self"]]))
if (args[1] != "-") {
  big <- read.csv(args[1])
  t1 <- system.time(m <- rma(yi, vi, data = big, method = "REML"))
  report("5000 studies: rma(method = \"REML\")", t1)
  t2 <- system.time({ ci <- confint(m); p <- predict(m) })
  report("5000 studies: confint() + predict() of that fit", t2)
  cat(sprintf("  estimate %.17g, tau2 %.17g, tau2 CI [%.17g, %.17g]\n", coef(m), m$tau2, ci$random[1, 2],
              ci$random[1, 3]))
}
if (length(args) >= 2 && args[2] != "-") {
  batch <- read.csv(args[2])
  groups <- split(batch[, c("yi", "vi")], batch$id)
  n_all <- length(groups)
  n <- if (length(args) >= 3) min(as.integer(args[3]), n_all) else n_all
  g <- groups[seq_len(n)]
  how <- if (n < n_all) sprintf("(timed %d, x %.1f)", n, n_all / n) else "(all timed)"
  # rma() stops with an error when Fisher scoring does not converge (evident warns and reports the last
  # iterate instead): try() keeps the loop going; the count is printed.
  failed <- 0
  t3 <- system.time(for (d in g) {
    if (inherits(try(rma(d$yi, d$vi, method = "REML"), silent = TRUE), "try-error")) failed <- failed + 1
  }) * n_all / n
  report(sprintf("%d meta-analyses: rma(REML) %s", n_all, how), t3)
  cat(sprintf("  rma() failed (no convergence) on %d of the %d timed\n", failed, n))
  t4 <- system.time(for (d in g) {
    m <- try(rma(d$yi, d$vi, method = "REML"), silent = TRUE)
    if (!inherits(m, "try-error")) { confint(m); predict(m) }
  }) * n_all / n
  report(sprintf("%d meta-analyses: rma + confint + predict %s", n_all, how), t4)
}
