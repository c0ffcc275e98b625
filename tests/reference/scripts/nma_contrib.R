# evident: reference values for src/network/contribution.cpp (tests/unit/network/contribution_test.cpp).
#
# netmeta is not installable on this machine, so this script re-implements, in base R (plus jsonlite
# for reading), the published definitions that netmeta >= 2.0 netcontrib() follows:
#   - the aggregated hat matrix (netmeta hatmatrix.aggr(), "long" form: all pairs x direct pairs),
#     from the multi-arm adjusted weights netmeta reports (w.common / w.random of comparisons_data);
#   - random walk (Davies et al. 2022, doi:10.1002/sim.9346): the transition matrix of the walk on
#     each row's evidence flow network, every simple source-to-sink path enumerated by depth-first
#     search, contribution of an edge = sum over the paths through it of phi / length;
#   - shortest path (Papakonstantinou et al. 2018, doi:10.12688/f1000research.14770.3): repeatedly
#     take the shortest (fewest edges) source-to-sink path of the row's flow graph, subtract its
#     smallest flow, credit flow / length to each of its edges, delete edges whose flow is 0.
#     Ties between shortest paths are broken as igraph's breadth-first search does in netmeta:
#     vertices numbered by first appearance in the row's oriented edge list (direct pairs in column
#     order, oriented along the flow), out-edges visited in order of the target's number, the first
#     path found wins.
#   - study contributions: each direct pair's contribution split over its studies in proportion to
#     their (multi-arm adjusted) weights in the model.
# The contribution algorithms here are written independently of evident's (evident computes the
# random walk by a generating-function identity, not by enumerating paths).
#
# Run from tests/reference: Rscript scripts/nma_contrib.R
# Writes netcontrib_<dataset>.json (17 significant digits).
library(jsonlite)

to_json <- function(x) {
  if (is.list(x)) {
    body <- vapply(x, to_json, "")
    if (is.null(names(x))) return(paste0("[", paste(body, collapse = ","), "]"))
    return(paste0("{", paste0('"', names(x), '":', body, collapse = ","), "}"))
  }
  if (is.matrix(x)) return(to_json(lapply(seq_len(nrow(x)), function(i) as.list(x[i, ]))))
  if (length(x) != 1) return(to_json(as.list(x)))
  if (is.na(x)) return('"NA"')
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.character(x)) return(paste0('"', gsub('"', '\\\\"', x), '"'))
  sprintf("%.17g", x)
}

# Moore-Penrose pseudoinverse of a symmetric matrix by its eigen decomposition
pinv_sym <- function(A) {
  e <- eigen(A, symmetric = TRUE)
  d <- ifelse(abs(e$values) > 1e-12 * max(abs(e$values)), 1 / e$values, 0)
  e$vectors %*% (d * t(e$vectors))
}

aggregated_hat <- function(cd, trts, w) {
  n <- length(trts)
  i1 <- match(cd$treat1, trts); i2 <- match(cd$treat2, trts)
  a <- pmin(i1, i2); b <- pmax(i1, i2)
  key <- (a - 1) * n + b
  pairs <- sort(unique(key))
  ea <- (pairs - 1) %/% n + 1; eb <- (pairs - 1) %% n + 1
  W <- vapply(pairs, function(p) sum(w[key == p]), 0)
  B <- matrix(0, length(pairs), n)
  B[cbind(seq_along(pairs), ea)] <- 1
  B[cbind(seq_along(pairs), eb)] <- -1
  Lp <- pinv_sym(t(B) %*% (W * B))
  rows <- which(upper.tri(matrix(0, n, n)), arr.ind = TRUE)
  rows <- rows[order(rows[, 1], rows[, 2]), , drop = FALSE]
  Bf <- matrix(0, nrow(rows), n)
  Bf[cbind(seq_len(nrow(rows)), rows[, 1])] <- 1
  Bf[cbind(seq_len(nrow(rows)), rows[, 2])] <- -1
  H <- Bf %*% Lp %*% t(B) %*% diag(W, length(W))
  list(H = H, rows = rows, ea = ea, eb = eb, W = W, key = key, pairs = pairs,
       rownames = paste(trts[rows[, 1]], trts[rows[, 2]], sep = ":"),
       colnames = paste(trts[ea], trts[eb], sep = ":"))
}

random_walk <- function(ah, n) {
  H <- ah$H
  C <- matrix(0, nrow(H), ncol(H))
  for (r in seq_len(nrow(H))) {
    s <- ah$rows[r, 1]; t <- ah$rows[r, 2]
    Fl <- matrix(0, n, n)  # Fl[i, j] = flow from i to j (> 0 only)
    for (e in seq_len(ncol(H))) {
      h <- H[r, e]
      if (h > 0) Fl[ah$ea[e], ah$eb[e]] <- h else if (h < 0) Fl[ah$eb[e], ah$ea[e]] <- -h
    }
    rs <- rowSums(Fl)
    # netmeta: P = ginv(diag(rs)) Q, and MASS::ginv() treats values below sqrt(eps) x max as 0
    P <- Fl / ifelse(rs > sqrt(.Machine$double.eps) * max(rs), rs, Inf)
    P[t, ] <- 0
    P[abs(P) < 1000 * .Machine$double.eps] <- 0
    acc <- matrix(0, n, n)
    walk <- function(v, path, prob) {
      if (v == t) {
        L <- length(path) - 1
        for (k in seq_len(L)) acc[path[k], path[k + 1]] <<- acc[path[k], path[k + 1]] + prob / L
        return(invisible())
      }
      for (u in which(P[v, ] > 0)) if (!(u %in% path)) walk(u, c(path, u), prob * P[v, u])
    }
    walk(s, s, 1)
    for (e in seq_len(ncol(H))) C[r, e] <- acc[ah$ea[e], ah$eb[e]] + acc[ah$eb[e], ah$ea[e]]
  }
  C[abs(C) < 10 * .Machine$double.eps] <- 0
  C
}

shortest_path <- function(ah, n) {
  H <- ah$H
  C <- matrix(0, nrow(H), ncol(H))
  m <- ncol(H)
  for (r in seq_len(nrow(H))) {
    s <- ah$rows[r, 1]; t <- ah$rows[r, 2]
    from <- ifelse(H[r, ] > 0, ah$ea, ah$eb)
    to <- ifelse(H[r, ] > 0, ah$eb, ah$ea)
    vid <- match(seq_len(n), unique(as.vector(rbind(from, to))))  # igraph vertex numbering
    flow <- abs(H[r, ])
    alive <- rep(TRUE, m)
    repeat {
      # breadth-first search from s; parent edge of each vertex
      pe <- rep(0L, n); seen <- rep(FALSE, n); seen[s] <- TRUE; queue <- s
      while (length(queue) > 0 && !seen[t]) {
        v <- queue[1]; queue <- queue[-1]
        out <- which(alive & from == v)
        out <- out[order(vid[to[out]], out)]
        for (e in out) if (!seen[to[e]]) { seen[to[e]] <- TRUE; pe[to[e]] <- e; queue <- c(queue, to[e]) }
      }
      if (!seen[t]) break
      path <- integer(0); v <- t
      while (v != s) { path <- c(pe[v], path); v <- from[pe[v]] }
      f <- min(flow[path])
      flow[path] <- flow[path] - f
      C[r, path] <- C[r, path] + f / length(path)
      alive[path[flow[path] == 0]] <- FALSE
    }
  }
  C[abs(C) < 10 * .Machine$double.eps] <- 0
  C
}

study_contrib <- function(C, ah, cd, w) {
  studies <- unique(as.character(cd$studlab))
  A <- matrix(0, length(ah$pairs), length(studies))
  for (k in seq_along(w)) {
    e <- match(ah$key[k], ah$pairs)
    A[e, match(as.character(cd$studlab[k]), studies)] <- A[e, match(as.character(cd$studlab[k]), studies)] +
      w[k] / ah$W[e]
  }
  list(studies = studies, S = C %*% A)
}

for (ds in c("Senn2013_MD", "Linde2016_OR", "Woods2010_OR")) {
  ref <- fromJSON(paste0("nma_", ds, ".json"), simplifyVector = TRUE)
  net <- ref$netmeta_DL
  cd <- as.data.frame(net$comparisons_data)
  trts <- net$trts
  n <- length(trts)
  out <- list(provenance = paste("tests/reference/scripts/nma_contrib.R on", R.version.string,
                                 "from comparisons_data of", paste0("nma_", ds, ".json")),
              treatments = trts)
  for (model in c("common", "random")) {
    w <- cd[[paste0("w.", model)]]
    ah <- aggregated_hat(cd, trts, w)
    t0 <- proc.time()[["elapsed"]]
    rw <- random_walk(ah, n)
    t1 <- proc.time()[["elapsed"]]
    sp <- shortest_path(ah, n)
    srw <- study_contrib(rw, ah, cd, w)
    cat(ds, model, "random walk", t1 - t0, "s; max |row sum - 1|:",
        max(abs(rowSums(rw) - 1)), max(abs(rowSums(sp) - 1)), "\n")
    out[[model]] <- list(comparisons = ah$rownames, edges = ah$colnames, hat_matrix = ah$H,
                         random_walk = rw, shortest_path = sp, studies = srw$studies,
                         study_random_walk = srw$S)
  }
  writeLines(to_json(out), paste0("netcontrib_", ds, ".json"))
}
