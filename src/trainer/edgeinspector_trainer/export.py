"""The inspection graph (uint8 image -> anomaly_map, score) and the model package writer.

Graph contract (docs/model-package.md): input `image` uint8 [N,H,W,3] RGB, outputs
`anomaly_map` float32 [N,1,H,W] and `score` float32 [N] in [0,1], initializers
`text_features` [2,E] and optionally `memory_bank` [M,E] (its row count is symbolic in the
graph, so `edge-inspector enroll` can replace the bank with one of another size).

features.onnx (same input, same normalisation and vision tower): output `patch_features`
float32 [N,P,E], the per-patch embeddings the memory bank is built from.
"""
import hashlib
import inspect
import json
import math
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn.functional as F
from torch import nn

from .anomalyclip import TEMPERATURE, normalize_images
from .errors import ExportError
from .memory_bank import memory_distance, patch_embeddings

OPSET = 17
SMOOTHING_SIGMA = 4.0
DEFAULT_TEXT_WEIGHT = 0.5  # AnomalyCLIP / WinCLIP+ few-shot: text and memory maps averaged


def gaussian_kernel(sigma, radius):
    x = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-x ** 2 / (2 * sigma ** 2))
    return k / k.sum()


def smooth(amap, kernel_h, kernel_v, radius):
    """Separable Gaussian over [N,1,H,W] with reflect padding (the reference evaluation's sigma 4)."""
    amap = F.conv2d(F.pad(amap, (radius, radius, 0, 0), mode="reflect"), kernel_h)
    return F.conv2d(F.pad(amap, (0, 0, radius, radius), mode="reflect"), kernel_v)


class InspectionModel(nn.Module):
    """AnomalyCLIP inference: text map (mean over layers) fused with the memory map when a bank
    is given, upsampled, Gaussian-smoothed (sigma 4, as the reference's evaluation does).

    With a bank, w = text_weight: map = w * text + (1 - w) * memory and
    score = w * global prompt probability + (1 - w) * map maximum. w = 0.5 (the default) is
    AnomalyCLIP's / WinCLIP+'s average; w = 0 is PatchCore (memory only), the right choice when
    the prompts carry no meaning (a random-weight CLIP). Without a bank the text map is the map
    and score = (global probability + map maximum) / 2.

    text_features / memory_bank / text_weight are forward inputs so export can turn them into
    named initializers that constant folding cannot merge away."""

    def __init__(self, anomaly_clip, text_weight=DEFAULT_TEXT_WEIGHT):
        super().__init__()
        if not 0.0 <= float(text_weight) <= 1.0:
            raise ExportError(f"text weight {text_weight} is outside [0, 1]; 0.5 averages the text and memory maps, "
                              "0 uses the memory bank alone")
        self.text_weight = float(text_weight)
        self.net = anomaly_clip
        size = self.size = anomaly_clip.clip.config.image_size
        radius = min(int(4 * SMOOTHING_SIGMA + 0.5), size - 1)  # reflect padding needs radius < size
        k = gaussian_kernel(SMOOTHING_SIGMA, radius)
        self.radius = radius
        self.register_buffer("smooth_h", k.reshape(1, 1, 1, -1))
        self.register_buffer("smooth_v", k.reshape(1, 1, -1, 1))

    def forward(self, image, text_features, memory_bank=None, text_weight=None):
        pixels = normalize_images(image)
        glob, patches = self.net.image_features(pixels)
        grid = int(math.isqrt(patches[0].shape[1]))
        text_map = torch.stack([(x @ text_features.t() / TEMPERATURE).softmax(-1)[..., 1] for x in patches]).mean(0)
        w = 0.5  # no bank: the global probability and the map maximum count equally
        if memory_bank is not None:
            w = self.text_weight if text_weight is None else text_weight
            text_map = w * text_map + (1 - w) * memory_distance(patch_embeddings(patches), memory_bank)
        # Python-int sizes keep the exported Resize and output shapes static.
        amap = F.interpolate(text_map.reshape(-1, 1, grid, grid), size=(self.size, self.size), mode="bilinear",
                             align_corners=False)
        amap = smooth(amap, self.smooth_h, self.smooth_v, self.radius).clamp(0, 1)
        image_prob = (glob @ text_features.t() / TEMPERATURE).softmax(-1)[:, 1]
        # The global prompt score alone misses small defects; the map maximum catches them.
        score = w * image_prob + (1 - w) * amap.flatten(1).amax(1)
        return amap, score


class PatchFeatureModel(nn.Module):
    """features.onnx: uint8 NHWC -> the memory bank's per-patch embeddings [N,P,E], through the
    same normalisation and vision tower as InspectionModel."""

    def __init__(self, anomaly_clip):
        super().__init__()
        self.net = anomaly_clip

    def forward(self, image):
        return patch_embeddings(self.net.image_features(normalize_images(image))[1])


def _torch_export(model, args, path, input_names, output_names, dynamic_axes):
    # torch >= 2.5 also has the dynamo exporter; these graphs are written for the TorchScript one.
    extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's tracer notes are not actionable here
        torch.onnx.export(model, args, str(path), input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True, **extra)


def export_features_onnx(anomaly_clip, path):
    """features.onnx: input `image` uint8 [N,H,W,3], output `patch_features` float32 [N,P,E]."""
    size = anomaly_clip.clip.config.image_size
    model = PatchFeatureModel(anomaly_clip).cpu().eval()
    dummy = torch.zeros(1, size, size, 3, dtype=torch.uint8)
    _torch_export(model, (dummy,), path, ["image"], ["patch_features"],
                  {"image": {0: "N"}, "patch_features": {0: "N"}})
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto)
    return proto


def export_onnx(model, path, text_features, memory_bank=None):
    """Export InspectionModel to ONNX (opset 17, dynamic batch) with named initializers."""
    size = model.net.clip.config.image_size
    model = model.cpu().eval()
    dummy = torch.zeros(1, size, size, 3, dtype=torch.uint8)
    args, names = (dummy, text_features.cpu()), ["image", "text_features"]
    axes = {"image": {0: "N"}, "anomaly_map": {0: "N"}, "score": {0: "N"}}
    if memory_bank is not None:
        args = args + (memory_bank.cpu(), torch.tensor(model.text_weight, dtype=torch.float32))
        names = names + ["memory_bank", "text_weight"]
        axes["memory_bank"] = {0: "M"}  # no static bank size in the graph: enroll swaps in another bank
    _torch_export(model, args, path, names, ["anomaly_map", "score"], axes)
    return freeze_inputs(path, names[1:], args[1:], size)


def freeze_inputs(path, names, values, size):
    """Turn the exported graph inputs `names` into named initializers holding `values` (so enroll
    and the reference can find and replace them) and state the contract's output shapes. size: the
    input's side, or (width, height)."""
    width, height = size if isinstance(size, tuple) else (size, size)
    proto = onnx.load(str(path))
    graph = proto.graph
    for name, value in zip(names, values):
        inp = next(i for i in graph.input if i.name == name)
        graph.input.remove(inp)
        graph.initializer.append(onnx.numpy_helper.from_array(value.detach().float().numpy(), name))
    for out, dims in zip(graph.output, (["N", 1, height, width], ["N"])):
        shape = out.type.tensor_type.shape
        del shape.dim[:]
        for d in dims:
            shape.dim.add().CopyFrom(onnx.TensorShapeProto.Dimension(**({"dim_param": d} if isinstance(d, str)
                                                                        else {"dim_value": d})))
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))
    return proto


def graph_macs(path):
    """Multiply-accumulates per image of a graph's Conv and MatMul/Gemm nodes (the rest is noise
    next to them), from one run of a black image through the numpy runner (exact shapes where
    shape inference gives up)."""
    from .onnx_numpy import OnnxNumpyRunner
    model = onnx.load(str(path))
    runner = OnnxNumpyRunner(model)
    dims = [d.dim_value or 1 for d in model.graph.input[0].type.tensor_type.shape.dim]
    shapes = {name: value.shape for name, value in runner.init.items()}
    runner.run({model.graph.input[0].name: np.zeros(dims, np.uint8)}, lambda name, value: shapes.__setitem__(name, value.shape))
    total = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            total += int(np.prod(shapes[node.output[0]])) * int(np.prod(shapes[node.input[1]][1:]))
        elif node.op_type in ("MatMul", "Gemm"):
            total += int(np.prod(shapes[node.output[0]])) * int(shapes[node.input[0]][-1])
    return total


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def backbone_name(cfg):
    size = {768: "b", 1024: "l", 1280: "h"}.get(cfg.vision_hidden, f"w{cfg.vision_hidden}-p")
    name = f"clip-vit-{size}{cfg.patch_size}"
    return name if cfg.image_size == 224 else f"{name}-{cfg.image_size}"


def write_manifest(pkg_dir, files, name, version, backbone, image_size, decision, metrics, description,
                   models=None, resize="bilinear", extra=None):
    """manifest.json listing `files` (names inside pkg_dir) with SHA-256 and size; stale files
    from an earlier export in the same folder are not listed. models: {"fp32": "model.onnx",
    "int8": "model.int8.onnx"} -- which file serves which precision (default: FP32 model.onnx only).
    resize: how the agent brings a frame to the input size. extra: further top-level fields."""
    pkg = Path(pkg_dir)
    width, height = image_size if isinstance(image_size, tuple) else (image_size, image_size)
    if "model.onnx" not in files:
        raise ExportError(f"{pkg / 'model.onnx'}: missing; the package needs it")
    files = {f: {"sha256": sha256_file(pkg / f), "bytes": (pkg / f).stat().st_size} for f in sorted(files)}
    manifest = {
        "format": 1, "name": name, "version": int(version),
        "created_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "description": description, "backbone": backbone,
        "input": {"width": width, "height": height, "resize": resize},
        "decision": decision, "metrics": metrics, "files": files,
        "models": dict(models or {"fp32": "model.onnx"}),
        **(extra or {}),
    }
    missing = [f for f in manifest["models"].values() if f not in files]
    if missing:
        raise ExportError(f"{pkg / 'manifest.json'}: models names {missing}, which are not package files")
    (pkg / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def auroc(labels, scores):
    """Rank-based AUROC (ties averaged)."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=np.float64)
    pos, neg = labels == 1, labels == 0
    if not pos.any() or not neg.any():
        return None
    order = scores.argsort()
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for s in np.unique(scores):
        tie = scores == s
        ranks[tie] = ranks[tie].mean()
    return float((ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * neg.sum()))


def best_f1(labels, scores):
    """(threshold, f1, precision, recall) maximising F1; threshold is midway between scores."""
    labels, scores = np.asarray(labels), np.asarray(scores, dtype=np.float64)
    best = (0.5, 0.0, 0.0, 0.0)
    cands = np.unique(scores)
    for lo, hi in zip(cands[:-1], cands[1:]):
        t = (lo + hi) / 2
        pred = scores >= t
        tp = float((pred & (labels == 1)).sum())
        prec = tp / max(pred.sum(), 1)
        rec = tp / max((labels == 1).sum(), 1)
        f1 = 2 * prec * rec / max(prec + rec, 1e-12)
        if f1 > best[1]:
            best = (float(t), f1, prec, rec)
    return best


def calibrate_decision(good_scores=None, good_maps=None, val=None):
    """Thresholds for the manifest.

    val = (labels, scores, maps, masks or None per sample): F1-optimal image threshold; pixel
    threshold F1-optimal over masked pixels, else the largest good-image map value. Without val,
    good images give mean + 3 std of their scores. score_scale puts the median good part at 0.1."""
    decision = {"image_threshold": 0.5, "pixel_threshold": 0.5, "score_scale": 0.05, "min_region_area_px": 16}
    metrics = {}
    if val is not None:
        labels, scores, maps, masks = val
        labels = np.asarray(labels)
        good_scores = np.asarray(scores)[labels == 0]
        good_maps = [m for m, l in zip(maps, labels) if l == 0]
        if (labels == 1).any() and (labels == 0).any():
            thr, f1, prec, rec = best_f1(labels, scores)
            decision["image_threshold"] = thr
            pred = np.asarray(scores) >= thr
            metrics = {"image_auroc": auroc(labels, scores), "f1_max": f1, "precision": prec, "recall": rec,
                       "accuracy": float((pred == (labels == 1)).mean())}
        pix = [(m.ravel(), k.ravel()) for m, k in zip(maps, masks) if k is not None]
        if pix and any(k.any() for _, k in pix):
            vals = np.concatenate([v for v, _ in pix])
            gts = np.concatenate([k for _, k in pix]).astype(int)
            sel = np.random.default_rng(0).permutation(len(vals))[:20000]  # F1 search stays fast
            decision["pixel_threshold"] = best_f1(gts[sel], vals[sel])[0]
            metrics["pixel_auroc"] = auroc(gts[sel], vals[sel])
    if good_scores is not None and len(good_scores):
        good_scores = np.asarray(good_scores, dtype=np.float64)
        if val is None or "f1_max" not in metrics:
            decision["image_threshold"] = float(min(good_scores.mean() + 3 * good_scores.std() + 1e-6, 1.0))
        median = float(np.median(good_scores))
        if decision["image_threshold"] > median:
            decision["score_scale"] = (decision["image_threshold"] - median) / math.log(9)
    if good_maps and (val is None or "pixel_auroc" not in metrics):
        decision["pixel_threshold"] = float(min(max(float(m.max()) for m in good_maps) + 1e-6, 1.0))
    metrics = {k: float(v) for k, v in metrics.items() if v is not None}
    return decision, metrics
