"""Per-image peer for benchmarks/Workbench.Benchmarks/FixMatchBenchmarks.cs (FixMatchAugment, FixMatchAugmentLarge): the
way the FixMatch reference code and its PyTorch ports augment, one PIL image at a time in Python, with the weak and
strong pipelines of our AugmentPolicy:

  weak:   horizontal flip with probability 1/2, then a shift of up to 12.5 % of the side (3 px at 28) with reflect
          padding, done as torchvision's RandomCrop(padding, padding_mode="reflect") does it for a PIL image
          (numpy reflect pad, back to PIL, crop);
  strong: the weak view, then 2 operations drawn uniformly (with replacement) from the 14 of AugmentOps, each with its
          own uniform magnitude mapped onto the same value range as AugmentOps.ValueAt, applied with probability 1,
          then Cutout of half the side filled with grey 127 (ImageDraw rectangle on a copy).

The 14 operations are PIL's ImageOps / ImageEnhance / Image.transform calls on mode "L" images (what torchvision's
FashionMNIST hands a transform): autocontrast, equalize, rotate (nearest, black fill), solarize, Color, posterize,
Contrast, Brightness, Sharpness, and affine transforms (nearest, black fill) for shear and translate, about the image
centre as our AugmentOps.InverseAffine defines them. Written for this workbench from the operation definitions of
google-research/fixmatch and the PyTorch ports; not their code.

Images: 96 (and 1,024) Fashion-MNIST training images drawn with a fixed seed from the IDX file (the same kind of images
as ours; not the same indices, which come from our permuted pool). Plans (flip, shift, operations, magnitudes, Cutout
centre) are drawn before timing, as our benchmark draws them in its setup, so both sides time applying them only; each
batch starts from the uint8 arrays (Image.fromarray per image, as the dataset's __getitem__ does) and ends with the
augmented pixels copied into one uint8 batch array (our kernel writes its output batch). One Python thread.

    OPENBLAS_NUM_THREADS=1 taskset -c 0 /usr/bin/python3 benchmarks/peers/fixmatch_augment_pil.py

Prints the median microseconds per batch (after warm-up) for weak x96, strong x96 and strong x1024.
"""
import gzip
import random
import statistics
import sys
import time

import numpy as np
import PIL
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

SIDE = 28
MAX_SHIFT = 0.125
CUTOUT_FRACTION = 0.5
OPS_PER_IMAGE = 2
APPLY_PROBABILITY = 1.0

# Value ranges of AugmentOps.Range (FixMatch paper, Table 12); magnitude m in [0, 1] maps linearly low + m (high - low),
# Posterize's bits are min(8, 4 + floor(5 m)).
RANGES = {
    "Identity": (0, 0), "AutoContrast": (0, 0), "Equalize": (0, 0), "Rotate": (-30, 30), "Solarize": (0, 256),
    "Color": (0.05, 0.95), "Posterize": (4, 8), "Contrast": (0.05, 0.95), "Brightness": (0.05, 0.95),
    "Sharpness": (0.05, 0.95), "ShearX": (-0.3, 0.3), "ShearY": (-0.3, 0.3), "TranslateX": (-0.3, 0.3),
    "TranslateY": (-0.3, 0.3),
}
OPS = list(RANGES)


def value_at(op, m):
    if op == "Posterize":
        return min(8, 4 + int(5 * m))
    low, high = RANGES[op]
    return low + m * (high - low)


def affine(img, a, b, c, d, e, f):
    # PIL maps output pixel centre (x + 0.5, y + 0.5) to input (a x' + b y' + c, d x' + e y' + f), nearest, fill 0.
    return img.transform(img.size, Image.AFFINE, (a, b, c, d, e, f), resample=Image.NEAREST)


def apply_op(img, op, v):
    w, h = img.size
    if op == "Identity":
        return img
    if op == "AutoContrast":
        return ImageOps.autocontrast(img)
    if op == "Equalize":
        return ImageOps.equalize(img)
    if op == "Rotate":
        return img.rotate(v)  # counter-clockwise about the centre, nearest, black fill
    if op == "Solarize":
        return ImageOps.solarize(img, v)  # inverts pixels >= v
    if op == "Color":
        return ImageEnhance.Color(img).enhance(v)
    if op == "Posterize":
        return ImageOps.posterize(img, v)
    if op == "Contrast":
        return ImageEnhance.Contrast(img).enhance(v)
    if op == "Brightness":
        return ImageEnhance.Brightness(img).enhance(v)
    if op == "Sharpness":
        return ImageEnhance.Sharpness(img).enhance(v)
    # Shears about the centre and translations by a fraction of the side (AugmentOps.InverseAffine).
    if op == "ShearX":
        return affine(img, 1, v, -v * h / 2, 0, 1, 0)
    if op == "ShearY":
        return affine(img, 1, 0, 0, v, 1, -v * w / 2)
    if op == "TranslateX":
        return affine(img, 1, 0, -v * w, 0, 1, 0)
    if op == "TranslateY":
        return affine(img, 1, 0, 0, 0, 1, -v * h)
    raise ValueError(f"unknown augmentation operation {op!r}")


def weak(img, flip, dx, dy, pad):
    if flip:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    # torchvision RandomCrop(SIDE, padding=pad, padding_mode="reflect") on a PIL image: numpy reflect pad, crop.
    padded = Image.fromarray(np.pad(np.asarray(img), pad, mode="reflect"))
    return padded.crop((pad - dx, pad - dy, pad - dx + SIDE, pad - dy + SIDE))


def cutout(img, x, y, side):
    img = img.copy()
    x0, y0 = x - side // 2, y - side // 2
    ImageDraw.Draw(img).rectangle((x0, y0, x0 + side - 1, y0 + side - 1), fill=127)
    return img


def draw_plans(rng, count, strong):
    shift = int(MAX_SHIFT * SIDE)
    plans = []
    for _ in range(count):
        flip = rng.random() < 0.5
        dx, dy = rng.randint(-shift, shift), rng.randint(-shift, shift)
        steps = []
        if strong:
            for _ in range(OPS_PER_IMAGE):
                op = OPS[rng.randrange(len(OPS))]
                m = rng.random()
                if rng.random() < APPLY_PROBABILITY:
                    steps.append((op, value_at(op, m)))
        side = round(CUTOUT_FRACTION * SIDE) if strong else 0
        cut = (rng.randrange(SIDE), rng.randrange(SIDE)) if side else (0, 0)
        plans.append((flip, dx, dy, steps, side, cut))
    return plans


def augment_batch(images, plans, out):
    pad = int(MAX_SHIFT * SIDE)
    for i, (flip, dx, dy, steps, side, (cx, cy)) in enumerate(plans):
        img = Image.fromarray(images[i], mode="L")
        img = weak(img, flip, dx, dy, pad)
        for op, v in steps:
            img = apply_op(img, op, v)
        if side:
            img = cutout(img, cx, cy, side)
        out[i] = np.asarray(img)
    return out


def load_images(path, count, seed):
    with gzip.open(path, "rb") as f:
        data = f.read()
    n, rows, cols = np.frombuffer(data, dtype=">i4", count=3, offset=4)
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, rows, cols)
    indices = np.random.default_rng(seed).integers(0, n, count)
    return np.ascontiguousarray(pixels[indices])


def median_us(fn, repeats, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
    rng = random.Random(1)
    images96 = load_images(path, 96, 1)
    images1024 = load_images(path, 1024, 2)
    weak96, strong96 = draw_plans(rng, 96, False), draw_plans(rng, 96, True)
    strong1024 = draw_plans(rng, 1024, True)
    out96 = np.empty((96, SIDE, SIDE), np.uint8)
    out1024 = np.empty((1024, SIDE, SIDE), np.uint8)
    print(f"PIL {PIL.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}, one thread; "
          "median µs per batch (plans drawn beforehand)")
    rows = [
        ("weak views x96", lambda: augment_batch(images96, weak96, out96), 201, 20),
        ("strong views x96", lambda: augment_batch(images96, strong96, out96), 201, 20),
        ("strong views x1024", lambda: augment_batch(images1024, strong1024, out1024), 31, 3),
    ]
    for name, fn, repeats, warmup in rows:
        print(f"{name:<20} {median_us(fn, repeats, warmup):12.0f} µs (median of {repeats})")


if __name__ == "__main__":
    main()
