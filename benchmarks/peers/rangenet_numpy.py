#!/usr/bin/env python3
"""numpy peer for benchmarks/Workbench.Benchmarks/RangeImageBenchmarks.cs: lidar-bonnetal's do_range_projection
(train/common/laserscan.py) and its KNN post-processing (train/tasks/semantic/postproc/KNN.py) written with numpy
instead of torch (unfold -> sliding_window_view, topk -> argpartition). Reads the scan and pixel labels the benchmark
writes in its setup; prints the median of 15 timings per step and checks the projection against the C# one."""
import os, sys, tempfile, time
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

stem = os.path.join(tempfile.gettempdir(), "workbench-rangenet-scan")
H, W, FOV_UP, FOV_DOWN = 64, 2048, 3.0, -25.0
K, SEARCH, SIGMA, CUTOFF, NCLASSES = 5, 5, 1.0, 1.0, 9


def project(points):
    fov_up, fov_down = FOV_UP / 180.0 * np.pi, FOV_DOWN / 180.0 * np.pi
    fov = abs(fov_down) + abs(fov_up)
    depth = np.linalg.norm(points[:, :3], 2, axis=1)
    yaw = -np.arctan2(points[:, 1], points[:, 0])
    pitch = np.arcsin(points[:, 2] / depth)
    px = np.maximum(0, np.minimum(W - 1, np.floor(0.5 * (yaw / np.pi + 1.0) * W))).astype(np.int32)
    py = np.maximum(0, np.minimum(H - 1, np.floor((1.0 - (pitch + abs(fov_down)) / fov) * H))).astype(np.int32)
    order = np.argsort(depth)[::-1]
    proj_range = np.full((H, W), -1, dtype=np.float32)
    proj_idx = np.full((H, W), -1, dtype=np.int32)
    proj_range[py[order], px[order]] = depth[order]
    proj_idx[py[order], px[order]] = np.arange(depth.shape[0])[order]
    return proj_range, proj_idx, depth, px, py


def gaussian():
    x = np.arange(SEARCH)
    xx, yy = np.meshgrid(x, x)
    mean = (SEARCH - 1) / 2.0
    g = np.exp(-((xx - mean) ** 2 + (yy - mean) ** 2) / (2 * SIGMA ** 2)) / (2 * np.pi * SIGMA ** 2)
    return (1 - g / g.sum()).reshape(-1).astype(np.float32)


def knn(proj_range, unproj_range, proj_argmax, px, py):
    pad = (SEARCH - 1) // 2
    windows = sliding_window_view(np.pad(proj_range, pad), (SEARCH, SEARCH)).reshape(H * W, SEARCH * SEARCH)
    labels = sliding_window_view(np.pad(proj_argmax, pad), (SEARCH, SEARCH)).reshape(H * W, SEARCH * SEARCH)
    idx = py * W + px
    rng = windows[idx].copy()
    rng[rng < 0] = np.inf
    rng[:, (SEARCH * SEARCH - 1) // 2] = unproj_range
    d = np.abs(rng - unproj_range[:, None]) * gaussian()[None, :]
    nearest = np.argpartition(d, K - 1, axis=1)[:, :K]
    votes_for = np.take_along_axis(labels[idx], nearest, axis=1)
    votes_for[np.take_along_axis(d, nearest, axis=1) > CUTOFF] = NCLASSES
    onehot = np.zeros((idx.shape[0], NCLASSES + 1), dtype=np.int32)
    np.add.at(onehot, (np.repeat(np.arange(idx.shape[0]), K), votes_for.reshape(-1)), 1)
    return onehot[:, 1:-1].argmax(axis=1) + 1


def median_ms(f, n=15):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1000)
    return sorted(times)[n // 2]


if not os.path.exists(stem + ".bin"):
    sys.exit(f"{stem}.bin is missing: run the RangeImageScan benchmark once first (it writes the scan).")
points = np.fromfile(stem + ".bin", dtype=np.float32).reshape(-1, 4)
pixel_labels = np.fromfile(stem + ".pixels", dtype=np.int32).reshape(H, W)
proj_range, proj_idx, depth, px, py = project(points)
print(f"{points.shape[0]} points; numpy {np.__version__}")
print(f"projection (laserscan.py):  {median_ms(lambda: project(points)):8.1f} ms")
print(f"KNN (KNN.py, numpy):         {median_ms(lambda: knn(proj_range, depth, pixel_labels, px, py), 5):8.1f} ms")
