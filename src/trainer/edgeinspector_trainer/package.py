"""Build a model package folder: model.onnx (+ model.int8.onnx), features.onnx, manifest.json."""
from pathlib import Path

import numpy as np
import torch

from .anomalyclip import AnomalyCLIP, normalize_images, zero_shot_text_features
from .clip_model import load_clip
from .datasets import IMAGE_EXTS, read_image, read_mask, scan, select
from .errors import DatasetError, ExportError
from .export import (DEFAULT_TEXT_WEIGHT, InspectionModel, backbone_name, calibrate_decision, export_features_onnx, export_onnx,
                     write_manifest)
from .memory_bank import build_memory_bank, patch_embeddings
from .quantize import quantize_qdq
from .train import apply_prompt_state, load_prompts

MAX_CALIBRATION_IMAGES = 32  # enough for per-tensor ranges; the numpy runner is slow on ViT-L


def load_model(clip, prompts=None, image_size=None, dpam=None, depth=9):
    """(AnomalyCLIP, text_features [2,E]): trained prompts, or hand-written zero-shot prompts
    when `prompts` is None; trained settings apply unless overridden."""
    settings, state = load_prompts(prompts) if prompts else ({}, None)
    clip_model, tokenizer = load_clip(clip, image_size or settings.get("image_size"))
    model = AnomalyCLIP(clip_model, tokenizer, depth=settings.get("depth", depth),
                        dpam=dpam or settings.get("dpam"), n_ctx=settings.get("n_ctx", 12),
                        deep_tokens=settings.get("deep_tokens", 4))
    if state is None:
        return model.eval(), zero_shot_text_features(clip_model, tokenizer)
    apply_prompt_state(model, state, prompts)
    with torch.no_grad():
        return model.eval(), model.text_features()


def good_images(directory, size):
    files = sorted(p for p in Path(directory).rglob("*") if p.suffix.lower() in IMAGE_EXTS)
    if not files:
        raise DatasetError(f"{directory}: no images found; pass --good a folder of good images")
    return np.stack([read_image(p, size) for p in files])


@torch.no_grad()
def run_batches(fn, images, batch=8):
    outs = [fn(torch.from_numpy(images[i:i + batch])) for i in range(0, len(images), batch)]
    return [torch.cat(parts) for parts in zip(*outs)] if isinstance(outs[0], tuple) else torch.cat(outs)


def held_out_good_scores(inspection, text_features, goods, patches, bank, bank_ratio, seed):
    """Scores/maps of the good images, each scored against a bank built from the *other* half:
    an image scored against its own patches reads ~0 distance and would set thresholds too low.
    A single image can only be scored against its own bank."""
    if len(goods) < 2:
        maps, scores = run_batches(lambda x: inspection(x, text_features, bank), goods)
        return scores.numpy(), list(maps.numpy())
    scores, maps = np.zeros(len(goods), np.float32), [None] * len(goods)
    idx = np.arange(len(goods))
    for fold in (idx[0::2], idx[1::2]):
        rest = np.setdiff1d(idx, fold)
        bank = build_memory_bank(patches[rest], ratio=bank_ratio, seed=seed)
        m, s = run_batches(lambda x: inspection(x, text_features, bank), goods[fold])
        scores[fold] = s.numpy()
        for i, mi in zip(fold, m.numpy()):
            maps[i] = mi
    return scores, maps


def export_package(clip, out, prompts=None, image_size=None, dpam=None, good=None, val=None, int8=False,
                   name="edgeinspector-anomalyclip", version=1, bank_ratio=0.1, seed=0, enrollable=False, log=print,
                   calibration=None, int8_calibration="max", text_weight=DEFAULT_TEXT_WEIGHT):
    """enrollable without good: model.onnx carries a one-row zero placeholder `memory_bank` (every
    patch reads memory distance 0.5) for `edge-inspector enroll` to replace with a real one.
    text_weight: the text map's share of the map and score when there is a bank (InspectionModel);
    it is stored in model.onnx as the `text_weight` initializer.
    int8: also model.int8.onnx, calibrated on `calibration` (a folder of good images; default `good`)."""
    if int8 and not (good or calibration):
        raise ExportError("--int8 needs calibration images: pass --good DIR (or --calibration DIR) with good images")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model, text_features = load_model(clip, prompts, image_size, dpam)
    cfg = model.clip.config
    size = cfg.image_size
    goods = good_images(good, size) if good else None
    bank = None
    if goods is not None:
        patches = run_batches(lambda x: patch_embeddings(model.image_features(normalize_images(x))[1]), goods)
        bank = build_memory_bank(patches, ratio=bank_ratio, seed=seed)
        log(f"memory bank: {bank.shape[0]} patches from {len(goods)} good images")
    elif enrollable:
        bank = torch.zeros(1, text_features.shape[1])
        log("memory bank: one-row placeholder; run edge-inspector enroll to build the real one")
    inspection = InspectionModel(model, text_weight).eval()

    def infer(x):
        return inspection(x, text_features, bank)

    export_onnx(inspection, out / "model.onnx", text_features, bank)
    log(f"wrote {out / 'model.onnx'}")
    export_features_onnx(model, out / "features.onnx")
    log(f"wrote {out / 'features.onnx'}")
    good_scores = good_maps = val_data = None
    if goods is not None:
        good_scores, good_maps = held_out_good_scores(inspection, text_features, goods, patches, bank, bank_ratio,
                                                       seed)
    if val:
        samples = select(scan(val), "test")
        images = np.stack([read_image(s.path, size) for s in samples])
        maps, scores = run_batches(infer, images)
        masks = [read_mask(s.mask, s.path, size) if s.mask else (None if s.label else np.zeros((size, size)))
                 for s in samples]
        val_data = ([s.label for s in samples], scores.numpy(), [m[0] for m in maps.numpy()], masks)
    decision, metrics = calibrate_decision(good_scores, good_maps, val_data)
    files = ["model.onnx", "features.onnx"]
    models = {"fp32": "model.onnx"}
    if int8:
        calib = (good_images(calibration, size) if calibration else goods)[:MAX_CALIBRATION_IMAGES]
        quantize_qdq(out / "model.onnx", out / "model.int8.onnx", list(calib), calibration=int8_calibration)
        files.append("model.int8.onnx")
        models["int8"] = "model.int8.onnx"
        log(f"wrote {out / 'model.int8.onnx'} (INT8 QDQ, calibrated on {len(calib)} good images)")
    kind = "trained" if prompts else "zero-shot"
    fusion = f", text weight {text_weight:g}" if bank is not None else ""
    manifest = write_manifest(out, files, name, version, backbone_name(cfg), size, decision, metrics,
                              f"AnomalyCLIP ({kind} prompts, DPAM {model.dpam}{fusion})"
                              + (f", memory bank {bank.shape[0]}" if goods is not None
                                 else ", placeholder memory bank (not enrolled)" if bank is not None else ""),
                              models)
    log(f"wrote {out / 'manifest.json'}: decision {decision}")
    return manifest


@torch.no_grad()
def reference_outputs(clip, package, images, prompts=None, dpam=None):
    """PyTorch's anomaly_map [N,1,H,W] and score [N] for uint8 images [N,H,W,3], with the text
    features, memory bank and text weight read from the package's model.onnx (0.5 when a package
    from before `text_weight` has none): the reference that ONNX Runtime runs of the same package
    are checked against."""
    import onnx
    import onnx.numpy_helper

    inits = {t.name: t for t in onnx.load(str(Path(package) / "model.onnx")).graph.initializer}
    if "text_features" not in inits:
        raise ExportError(f"{Path(package) / 'model.onnx'}: no text_features initializer; not a CLIP package")
    text = torch.from_numpy(onnx.numpy_helper.to_array(inits["text_features"]).copy())
    bank = (torch.from_numpy(onnx.numpy_helper.to_array(inits["memory_bank"]).copy())
            if "memory_bank" in inits else None)
    weight = (float(onnx.numpy_helper.to_array(inits["text_weight"])) if "text_weight" in inits
              else DEFAULT_TEXT_WEIGHT)
    model, _ = load_model(clip, prompts, images.shape[1], dpam)
    inspection = InspectionModel(model, weight).eval()
    amap, score = run_batches(lambda x: inspection(x, text, bank), images)
    return amap.numpy(), score.numpy()
