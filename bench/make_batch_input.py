#!/usr/bin/env python3
"""Seeded input for the `evident batch` whole-process benchmark (bench/whole_process.sh).

Writes N yi/vi requests (JSON Lines), one meta-analysis of k studies each, k uniform on [KMIN, KMAX]:
true effect 0.3, between-study SD tau = 0.2, sampling variances vi ~ U(0.005, 0.1),
yi ~ N(0.3 + u, vi) with u ~ N(0, tau^2); yi and vi rounded to 6 decimals. With --csv also writes the
same data in long form (id, yi, vi) for the R metafor comparison (bench/metafor_timing.R).

Usage: bench/make_batch_input.py [-n 10000] [--kmin 10] [--kmax 30] [--seed 20261121] [--csv FILE] OUT.jsonl
"""
import argparse
import json
import random


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("-n", type=int, default=10000)
    p.add_argument("--kmin", type=int, default=10)
    p.add_argument("--kmax", type=int, default=30)
    p.add_argument("--seed", type=int, default=20261121)
    p.add_argument("--csv", default=None)
    a = p.parse_args()
    rng = random.Random(a.seed)
    csv = open(a.csv, "w") if a.csv else None
    if csv:
        csv.write("id,yi,vi\n")
    with open(a.out, "w") as out:
        for i in range(1, a.n + 1):
            k = rng.randint(a.kmin, a.kmax)
            vi = [round(rng.uniform(0.005, 0.1), 6) for _ in range(k)]
            yi = [round(rng.gauss(0.3 + rng.gauss(0.0, 0.2), v ** 0.5), 6) for v in vi]
            out.write(json.dumps({"id": i, "yi": yi, "vi": vi}, separators=(",", ":")) + "\n")
            if csv:
                for y, v in zip(yi, vi):
                    csv.write(f"{i},{y!r},{v!r}\n")
    if csv:
        csv.close()


if __name__ == "__main__":
    main()
