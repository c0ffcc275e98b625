# Evidence flow measures (netmeta netmeasures()) and net heat matrices (netmeta netheat()) for evident's
# evidence_flow() / net_heat(), computed in base R (+ jsonlite to read the input) from the papers'
# formulas, because netmeta is not installable on this machine:
#   König, Krahn & Binder 2013, Stat Med 32:5414-5429, doi:10.1002/sim.6001, Sect. 3.3-3.4 (H.tilde,
#     direct evidence proportion, minimal parallelism, mean path length);
#   Krahn, Binder & König 2013, BMC Med Res Methodol 13:35, doi:10.1186/1471-2288-13-35 (the
#     design-aggregated two-stage model, Q.inc.design, residuals after detaching, the net heat matrix).
# Input: the netmeta 3.4-0 comparisons data, treatment order (trts), design order, reference group, tau
# and tau.within stored in tests/reference/nma_<dataset>.json (netmeta output). The orders of designs
# are taken from netmeta's own output (netmeta_DL$designs, decomp.design$Q.inc.design$design) so that
# nothing depends on this machine's collation locale.
# Writes nma_flow_<dataset>.json (17 significant digits; NA as "NA").
# Run from tests/reference/: Rscript scripts/nma_flow.R
suppressMessages(library(jsonlite))

to_json <- function(x) {
  if (is.matrix(x)) return(to_json(lapply(seq_len(nrow(x)), function(i) as.list(x[i, ]))))
  if (is.list(x)) {
    body <- vapply(x, to_json, "")
    if (is.null(names(x))) return(paste0("[", paste(body, collapse = ","), "]"))
    return(paste0("{", paste0('"', names(x), '":', body, collapse = ","), "}"))
  }
  if (length(x) != 1) return(to_json(as.list(x)))
  if (is.logical(x) && !is.na(x)) return(if (x) "true" else "false")
  if (is.na(x)) return('"NA"')
  if (is.character(x)) return(paste0('"', gsub('"', '\\\\"', x), '"'))
  sprintf("%.17g", x)
}

# The two-stage model: studies (baseline = first arm in `trts` order) pooled within designs.
krahn <- function(cd, trts, tau2) {
  pos <- function(t) match(t, trts)
  get <- function(rows, a, b) {  # effect of b versus a, and its variance
    for (r in rows) {
      if (cd$treat1[r] == b && cd$treat2[r] == a) return(c(cd$TE[r], cd$seTE[r]^2 + tau2))
      if (cd$treat1[r] == a && cd$treat2[r] == b) return(c(-cd$TE[r], cd$seTE[r]^2 + tau2))
    }
    stop("missing contrast")
  }
  studies <- list()
  for (s in unique(cd$studlab)) {
    rows <- which(cd$studlab == s)
    arms <- unique(c(cd$treat1[rows], cd$treat2[rows]))
    arms <- arms[order(pos(arms))]
    q <- length(arms) - 1
    y <- numeric(q); V <- matrix(0, q, q)
    for (i in 1:q) { e <- get(rows, arms[1], arms[i + 1]); y[i] <- e[1]; V[i, i] <- e[2] }
    if (q > 1) for (i in 1:q) for (j in 1:q) if (i != j)
      V[i, j] <- (V[i, i] + V[j, j] - get(rows, arms[i + 1], arms[j + 1])[2]) / 2
    studies[[s]] <- list(label = s, arms = arms, y = y, V = V, design = paste(arms, collapse = ":"))
  }
  designs <- list()
  for (s in studies) {
    d <- s$design
    if (is.null(designs[[d]])) designs[[d]] <- list(name = d, arms = s$arms, W = 0, Wy = 0, studies = character(0))
    Ws <- solve(s$V)
    designs[[d]]$W <- designs[[d]]$W + Ws
    designs[[d]]$Wy <- designs[[d]]$Wy + Ws %*% s$y
    designs[[d]]$studies <- c(designs[[d]]$studies, s$label)
  }
  for (d in names(designs)) designs[[d]]$y <- solve(designs[[d]]$W, designs[[d]]$Wy)
  list(trts = trts, studies = studies, designs = designs)
}

xrow <- function(trts, a, b) {  # b versus a over the basic parameters trts[-1]
  x <- numeric(length(trts) - 1)
  ib <- match(b, trts) - 1; ia <- match(a, trts) - 1
  if (ib > 0) x[ib] <- x[ib] + 1
  if (ia > 0) x[ia] <- x[ia] - 1
  x
}

# X, W, y with the design rows in the order `dorder`.
stack <- function(km, dorder) {
  X <- NULL; W <- matrix(0, 0, 0); y <- NULL; rd <- NULL; rc <- NULL
  for (d in dorder) {
    D <- km$designs[[d]]
    for (a in D$arms[-1]) {
      X <- rbind(X, xrow(km$trts, D$arms[1], a)); rd <- c(rd, d); rc <- c(rc, paste(D$arms[1], a, sep = ":"))
    }
    q <- length(D$arms) - 1
    W2 <- matrix(0, nrow(W) + q, ncol(W) + q)
    if (nrow(W) > 0) W2[1:nrow(W), 1:ncol(W)] <- W
    W2[nrow(W) + 1:q, ncol(W) + 1:q] <- D$W
    W <- W2
    y <- c(y, D$y)
  }
  list(X = X, W = W, y = y, design = rd, comparison = rc, M = solve(t(X) %*% W %*% X))
}

flow <- function(cd, trts, tau2, design_cols) {
  km <- krahn(cd, trts, tau2)
  st <- stack(km, design_cols)
  n <- length(trts)
  comps <- character(0); prop <- meanpath <- minpar <- minpar.study <- numeric(0)
  Ht <- NULL
  for (i in 1:(n - 1)) for (j in (i + 1):n) {
    x <- xrow(trts, trts[i], trts[j])
    h <- as.vector(x %*% st$M %*% t(st$X) %*% st$W)
    ht <- sapply(design_cols, function(d) { hd <- h[st$design == d]; 0.5 * (abs(sum(hd)) + sum(abs(hd))) })
    hs <- sapply(km$studies, function(s) {
      Xs <- do.call(rbind, lapply(s$arms[-1], function(a) xrow(trts, s$arms[1], a)))
      hd <- as.vector(x %*% st$M %*% t(Xs) %*% solve(s$V))
      0.5 * (abs(sum(hd)) + sum(abs(hd)))
    })
    # direct evidence proportion: network variance over the variance of the pooled direct estimate
    sel <- (cd$treat1 == trts[i] & cd$treat2 == trts[j]) | (cd$treat1 == trts[j] & cd$treat2 == trts[i])
    p <- if (any(sel)) as.numeric(x %*% st$M %*% x) * sum(1 / (cd$seTE[sel]^2 + tau2)) else 0
    comps <- c(comps, paste(trts[i], trts[j], sep = ":"))
    prop <- c(prop, p); meanpath <- c(meanpath, sum(ht)); minpar <- c(minpar, 1 / max(ht))
    minpar.study <- c(minpar.study, 1 / max(hs))
    Ht <- rbind(Ht, ht)
  }
  list(tau2 = tau2, comparison = comps, proportion = prop, meanpath = meanpath, minpar = minpar,
       minpar.study = minpar.study, designs = design_cols, H.tilde = unname(Ht))
}

heat <- function(cd, trts, ref, tau, row_designs, df.inc) {
  trts.ref <- c(ref, trts[trts != ref])
  km <- krahn(cd, trts.ref, tau^2)
  st <- stack(km, row_designs)
  n <- length(trts); R <- nrow(st$X)
  hat <- st$X %*% st$M %*% t(st$X) %*% st$W
  r <- st$y - hat %*% st$y
  qinc <- as.vector(r * (st$W %*% r))
  res <- matrix(NA_real_, R, R)
  detachable <- setNames(rep(FALSE, length(row_designs)), row_designs)
  for (d in row_designs) {
    own <- st$design == d
    Xb <- st$X[!own, , drop = FALSE]
    col <- rep(NA_real_, R)
    if (qr(Xb)$rank == ncol(st$X)) {
      Wb <- st$W[!own, !own, drop = FALSE]
      theta <- solve(t(Xb) %*% Wb %*% Xb, t(Xb) %*% Wb %*% st$y[!own])
      col <- as.vector(st$y - st$X %*% theta)
      detachable[d] <- TRUE
    }
    col[own] <- 0
    res[, own] <- col
  }
  out <- list(tau = tau, all_designs = st$design, all_comparisons = st$comparison,
              Q_inconsistency_all = qinc, residuals = res)
  if (length(row_designs) <= 2 || df.inc <= 1) return(c(out, list(available = FALSE)))
  drop <- unique(st$design[abs(qinc) <= sqrt(.Machine$double.eps)])
  keep <- setdiff(row_designs, drop)
  keep <- keep[detachable[keep]]
  shown <- which(st$design %in% keep)
  if (length(shown) <= 1) return(c(out, list(available = FALSE)))
  change <- size <- matrix(NA_real_, length(shown), length(shown))
  for (a in seq_along(shown)) for (b in seq_along(shown)) {
    i <- shown[a]; rc <- res[, shown[b]]
    change[a, b] <- rc[i] * sum(st$W[i, ] * rc) - qinc[i]
    size[a, b] <- abs(hat[i, shown[b]])
  }
  multi <- sapply(st$design[shown], function(d) length(km$designs[[d]]$arms) > 2)
  labels <- ifelse(multi, paste(st$comparison[shown], st$design[shown], sep = "_"), st$comparison[shown])
  c(out, list(available = TRUE, designs = st$design[shown], comparisons = st$comparison[shown],
              labels = unname(labels), Q_inconsistency = qinc[shown], change = change, size = size,
              dropped_designs = setdiff(row_designs, keep)))
}

for (name in c("Senn2013_MD", "Linde2016_OR", "Woods2010_OR")) {
  ref <- fromJSON(paste0("nma_", name, ".json"), simplifyVector = TRUE)
  net <- ref$netmeta_DL
  cd <- as.data.frame(net$comparisons_data[c("studlab", "treat1", "treat2", "TE", "seTE")],
                      stringsAsFactors = FALSE)
  cd$studlab <- as.character(cd$studlab)
  trts <- net$trts
  tau <- net$tau
  tau.within <- ref$decomp.design$Q.inc.random$tau.within
  rows <- unique(ref$decomp.design$Q.inc.design$design)
  out <- list(provenance = list(R = R.version.string, generated = format(Sys.time(), tz = "UTC", usetz = TRUE),
                                script = "scripts/nma_flow.R", input = paste0("nma_", name, ".json")),
              dataset = name, treatments = trts, reference = net$reference.group, tau = tau,
              tau.within = tau.within,
              netmeasures = list(common = flow(cd, trts, 0, net$designs),
                                 random = flow(cd, trts, tau^2, net$designs)),
              netheat = list(common = heat(cd, trts, net$reference.group, 0, rows, net$df.Q.inconsistency),
                             random = heat(cd, trts, net$reference.group, tau.within, rows,
                                           net$df.Q.inconsistency)))
  writeLines(to_json(out), paste0("nma_flow_", name, ".json"))
  cat("wrote nma_flow_", name, ".json\n", sep = "")
}
