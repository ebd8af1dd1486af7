#!/usr/bin/env python3
"""Peer for SoftRankBatch: soft rank forward + backward (L2, eps = 0.1) of 128 rows x 1000 values, with
scikit-learn's isotonic_regression applied row by row (Debian: apt-get install python3-sklearn).

Reads the batch the C# benchmark writes (raw float64, row-major) so both time the same data:
    python3 benchmarks/peers/soft_rank_sklearn.py [/tmp/workbench-soft-rank-128x1000.f64]
Prints the median milliseconds of forward + backward over the whole batch.
"""
import os
import sys
import tempfile
import time

import numpy as np
from sklearn.isotonic import isotonic_regression

ROWS, N, EPS = 128, 1000, 0.1


def soft_rank_row(theta, g):
    """r = P(theta/eps, rho): sort, decreasing isotonic fit of s - w, out = s - v; VJP = (g - block mean g) / eps."""
    n = theta.shape[0]
    a = theta / EPS
    perm = np.argsort(-a, kind="stable")
    s = a[perm]
    w = np.arange(n, 0, -1, dtype=np.float64)
    v = isotonic_regression(s - w, increasing=False)
    ranks = np.empty(n)
    ranks[perm] = s - v
    # Backward from the block structure: blocks are runs of equal v.
    gs = g[perm]
    starts = np.flatnonzero(np.r_[True, np.diff(v) != 0])
    sums = np.add.reduceat(gs, starts)
    counts = np.diff(np.r_[starts, n])
    means = np.repeat(sums / counts, counts)
    grad = np.empty(n)
    grad[perm] = (gs - means) / EPS
    return ranks, grad


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), "workbench-soft-rank-128x1000.f64")
    if os.path.exists(path):
        values = np.fromfile(path, dtype="<f8").reshape(ROWS, N)
    else:
        values = np.random.default_rng(42).random((ROWS, N)) * 100
        print(f"{path} not found (run the C# benchmark first); using generated data", file=sys.stderr)
    g = np.random.default_rng(7).random((ROWS, N)) - 0.5
    times = []
    for _ in range(30):
        start = time.perf_counter()
        for r in range(ROWS):
            soft_rank_row(values[r], g[r])
        times.append(time.perf_counter() - start)
    print(f"sklearn isotonic_regression row by row, {ROWS} x {N}, forward + backward: median {1000 * np.median(times):.2f} ms")


if __name__ == "__main__":
    main()
