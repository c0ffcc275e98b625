// Number formatting of the result tables. The league table follows netmeta's netleague(): each cell is
// "estimate (lower; upper)" rounded to `digits` decimals, back-transformed with exp() for ratio measures
// (Rücker et al., netmeta manual, netleague). A rounded negative zero is printed as "0.00".

export function num(x, digits = 2) {
  if (x === null || x === undefined || typeof x !== 'number' || !Number.isFinite(x)) return '';
  let s = x.toFixed(digits);
  if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
  return s;
}

export const back = (ratio) => (ratio ? (v) => (v === null || v === undefined ? v : Math.exp(v)) : (v) => v);

export function estCI(est, lower, upper, ratio = false, digits = 2) {
  const t = back(ratio);
  if (est === null || est === undefined) return '';
  return `${num(t(est), digits)} (${num(t(lower), digits)}; ${num(t(upper), digits)})`;
}

export function pval(p) {
  if (p === null || p === undefined || !Number.isFinite(p)) return '';
  if (p < 0.0001) return '< 0.0001';
  return p.toFixed(4);
}

// Normal quantile of a two-sided confidence level, for the netsplit confidence intervals (estimate +- z * se).
export function zLevel(level = 0.95) {
  const p = 1 - (1 - level) / 2;
  let lo = 0, hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

// Phi(x) from erfc by the Chebyshev fit of Numerical Recipes (Press et al. 2007, section 6.2.2; relative
// error < 1.2e-7), enough for displayed intervals.
function normalCdf(x) {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}
