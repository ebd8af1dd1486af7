#!/usr/bin/env python3
"""Peer for SoftRankBatch: soft rank (L2, eps = 0.1) of 128 rows x 1000 values, forward and backward timed apart.

Forward: numpy's argsort of the whole batch (stable), then scikit-learn's isotonic_regression row by row (its PAV is
compiled Cython; Debian: apt-get install python3-sklearn). Backward: the vector-Jacobian product from the block
structure, written in vectorised numpy over the whole batch (no Python loop over rows or blocks).

Reads the batch the C# benchmark writes (raw float64, row-major) so both time the same data. Pin it to one core to
compare per core, as benchmarks/README.md does:
    taskset -c 0 python3 benchmarks/peers/soft_rank_sklearn.py [/tmp/workbench-soft-rank-128x1000.f64]
Prints the median milliseconds of the forward pass, the backward pass and both.
"""
import os
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.isotonic import isotonic_regression  # noqa: E402

ROWS, N, EPS = 128, 1000, 0.1


def forward(theta):
    """r = P(theta/eps, rho) per row: sort decreasingly, decreasing isotonic fit of s - w, ranks = s - v."""
    a = theta / EPS
    perm = np.argsort(-a, axis=1, kind="stable")
    s = np.take_along_axis(a, perm, axis=1)
    w = np.arange(N, 0, -1, dtype=np.float64)
    v = np.empty_like(s)
    for r in range(s.shape[0]):
        v[r] = isotonic_regression(s[r] - w, increasing=False)
    ranks = np.empty_like(s)
    np.put_along_axis(ranks, perm, s - v, axis=1)
    return ranks, perm, v


def backward(g, perm, v):
    """VJP of the soft rank: (g - block mean of g) / eps in sorted order, scattered back; blocks are runs of equal v."""
    rows, n = g.shape
    gs = np.take_along_axis(g, perm, axis=1)
    starts = np.ones((rows, n), dtype=bool)
    starts[:, 1:] = v[:, 1:] != v[:, :-1]
    ids = np.cumsum(starts.ravel()) - 1
    sums = np.bincount(ids, weights=gs.ravel())
    counts = np.bincount(ids)
    means = (sums / counts)[ids].reshape(rows, n)
    grad = np.empty_like(g)
    np.put_along_axis(grad, perm, (gs - means) / EPS, axis=1)
    return grad


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(), "workbench-soft-rank-128x1000.f64")
    if os.path.exists(path):
        values = np.fromfile(path, dtype="<f8").reshape(ROWS, N)
    else:
        values = np.random.default_rng(42).random((ROWS, N)) * 100
        print(f"{path} not found (run the C# benchmark first); using generated data", file=sys.stderr)
    g = np.random.default_rng(7).random((ROWS, N)) - 0.5
    fwd, bwd = [], []
    for _ in range(30):
        start = time.perf_counter()
        _, perm, v = forward(values)
        middle = time.perf_counter()
        backward(g, perm, v)
        fwd.append(middle - start)
        bwd.append(time.perf_counter() - middle)
    cores = len(os.sched_getaffinity(0))
    print(f"sklearn isotonic_regression + numpy argsort, {ROWS} x {N}, {cores} core(s) allowed: "
          f"forward median {1000 * np.median(fwd):.2f} ms, backward (vectorised numpy) median {1000 * np.median(bwd):.2f} ms, "
          f"both {1000 * (np.median(fwd) + np.median(bwd)):.2f} ms")


if __name__ == "__main__":
    main()
