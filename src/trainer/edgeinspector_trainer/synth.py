"""Synthetic defects on good images: the product data is ~95 % normal, so the pixel losses
need anomalies with exact masks. Kinds follow the model card (scratch, contamination, crack)
plus CutPaste and one-class CutMix. Every function takes an RGB uint8 image and a numpy
Generator and returns (image, mask float32 {0,1})."""
import cv2
import numpy as np


def _box(rng, h, w, min_frac=0.1, max_frac=0.3):
    bh = max(2, int(h * rng.uniform(min_frac, max_frac)))
    bw = max(2, int(w * rng.uniform(min_frac, max_frac)))
    return int(rng.integers(0, h - bh + 1)), int(rng.integers(0, w - bw + 1)), bh, bw


def cutpaste(img, rng, source=None):
    """CutPaste (Li et al. 2021): move a patch, jittered in brightness; with `source` another
    good image, it is one-class CutMix (the patch comes from that image)."""
    h, w = img.shape[:2]
    src = img if source is None else source
    y0, x0, bh, bw = _box(rng, h, w)
    y1, x1 = int(rng.integers(0, h - bh + 1)), int(rng.integers(0, w - bw + 1))
    patch = src[y0:y0 + bh, x0:x0 + bw].astype(np.float32) * rng.uniform(0.7, 1.3) + rng.uniform(-20, 20)
    out = img.copy()
    out[y1:y1 + bh, x1:x1 + bw] = np.clip(patch, 0, 255).astype(np.uint8)
    mask = np.zeros((h, w), np.float32)
    mask[y1:y1 + bh, x1:x1 + bw] = 1
    return out, mask


def _draw(img, rng, draw):
    """Paint with `draw(layer)` on a mask layer, then blend a defect colour where it is set."""
    h, w = img.shape[:2]
    layer = np.zeros((h, w), np.uint8)
    draw(layer)
    mask = (layer > 0).astype(np.float32)
    dark = rng.random() < 0.7
    colour = rng.uniform(0, 60, 3) if dark else rng.uniform(190, 255, 3)
    alpha = mask[..., None] * rng.uniform(0.7, 1.0)
    out = img.astype(np.float32) * (1 - alpha) + colour * alpha
    return np.clip(out, 0, 255).astype(np.uint8), mask


def scratch(img, rng):
    """A thin, slightly curved line."""
    h, w = img.shape[:2]
    n = int(rng.integers(3, 6))
    start = rng.uniform([0, 0], [w, h])
    direction = rng.uniform(-1, 1, 2)
    direction /= np.linalg.norm(direction) + 1e-6
    step = max(h, w) * rng.uniform(0.08, 0.15)
    pts = [start]
    for _ in range(n):
        direction = direction + rng.normal(0, 0.2, 2)
        direction /= np.linalg.norm(direction) + 1e-6
        pts.append(pts[-1] + direction * step)
    pts = np.clip(np.array(pts), 0, [w - 1, h - 1]).astype(np.int32)
    thickness = max(1, round(min(h, w) / 150))
    return _draw(img, rng, lambda m: cv2.polylines(m, [pts], False, 255, thickness))


def contamination(img, rng):
    """A cluster of dust specks / foreign matter."""
    h, w = img.shape[:2]
    cy, cx = rng.uniform(0.2, 0.8) * h, rng.uniform(0.2, 0.8) * w
    spread = min(h, w) * 0.08

    def draw(m):
        for _ in range(int(rng.integers(3, 9))):
            y, x = int(cy + rng.normal(0, spread)), int(cx + rng.normal(0, spread))
            axes = (max(1, int(rng.uniform(0.01, 0.04) * w)), max(1, int(rng.uniform(0.01, 0.04) * h)))
            cv2.ellipse(m, (x, y), axes, float(rng.uniform(0, 180)), 0, 360, 255, -1)
    return _draw(img, rng, draw)


def crack(img, rng):
    """A jagged random walk with a branch."""
    h, w = img.shape[:2]

    def walk(m, start, angle, steps):
        p = np.array(start, np.float64)
        step = max(h, w) * 0.03
        for _ in range(steps):
            angle += rng.normal(0, 0.6)
            q = p + step * np.array([np.cos(angle), np.sin(angle)])
            cv2.line(m, tuple(int(v) for v in p), tuple(int(v) for v in q), 255, max(1, round(min(h, w) / 200)))
            p = q
        return p

    def draw(m):
        angle = rng.uniform(0, 2 * np.pi)
        mid = walk(m, rng.uniform([0.2 * w, 0.2 * h], [0.8 * w, 0.8 * h]), angle, int(rng.integers(6, 12)))
        walk(m, mid, angle + rng.choice([-1, 1]) * 0.8, int(rng.integers(3, 6)))
    return _draw(img, rng, draw)


KINDS = {"cutpaste": cutpaste, "scratch": scratch, "contamination": contamination, "crack": crack}


def synthesize(img, rng, other=None):
    """A random defect kind; with `other` (another good image) CutPaste becomes one-class CutMix.
    Retries until the mask is non-empty (a line can fall outside the image)."""
    for _ in range(10):
        kind = list(KINDS)[int(rng.integers(len(KINDS)))]
        out, mask = cutpaste(img, rng, other) if kind == "cutpaste" else KINDS[kind](img, rng)
        if mask.any():
            return out, mask
    return cutpaste(img, rng)
