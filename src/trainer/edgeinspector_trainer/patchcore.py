"""Few-shot PatchCore on the ImageNet-pretrained ResNet18 (cntk_resnet): the default engine.

Patch features are the stride-8 and stride-16 stages (layer2, 128 channels; layer3, 256
channels), each averaged over its 3x3 neighbourhood, layer3 upsampled to layer2's grid and
concatenated: 384 values per patch, one patch per 8x8 input pixels. A memory bank of good
patches (greedy coreset, built by `edge-inspector enroll` or on the device by `cmd/enroll`)
is the `memory_bank` initializer of model.onnx; each patch's anomaly is its Euclidean distance
to the nearest bank row, computed as |x|^2 - 2 x.B^T + |B|^2 and ReduceMin (one MatMul and
static shapes, which TensorRT runs as a GEMM; no TopK). The patch map is upsampled to the input
size and smoothed with a Gaussian of sigma 4; each pixel's distance is then mapped through the
per-pixel affine `position_gain`, `position_bias` (identity until enroll sets them from the good
parts: a border or corner patch has fewer like it in the bank and reads farther from it on every
good part, so without this a part's maximum sits in a corner), clamped at 0 and squashed into
[0,1) as d / (d + distance_scale) (monotonic); the image score is the map's maximum.

The input may be non-square (`--image-size 640x480`: a 640x480 camera frame at its native
scale, where 1-2 px defects stay visible). Same package contract as the CLIP engine: input
`image` uint8 [N,H,W,3] RGB (channel order and
ImageNet mean applied in the graph), outputs `anomaly_map` [N,1,H,W] and `score` [N];
features.onnx gives `patch_features` [N,P,384] for enrollment."""
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .cntk_resnet import RESNET18_SHA256, load_cntk_resnet, network_pixels
from .errors import ExportError
from .export import SMOOTHING_SIGMA, _torch_export, freeze_inputs, gaussian_kernel, smooth, write_manifest
from .package import MAX_CALIBRATION_IMAGES, good_images
from .quantize import quantize_qdq

BACKBONE = "resnet18-imagenet-cntk"
LAYERS = (2, 3)
FEATURE_WIDTH = 128 + 256
# Typical nearest-neighbour distance of a good patch to its bank (the median good part's score
# on the validation surfaces: 6.5-8.9): the map reads ~0.5 there and keeps resolution above it.
DISTANCE_SCALE = 6.0
MIN_IMAGE_SIZE = 64


def parse_image_size(text):
    """'224' or 'WxH' (e.g. '640x480') -> (width, height), each a multiple of 16 of at least 64."""
    parts = str(text).lower().split("x")
    try:
        w, h = (int(parts[0]), int(parts[0])) if len(parts) == 1 else (int(parts[0]), int(parts[1]))
    except ValueError:
        raise ExportError(f"image size {text!r}: give one number (224) or WIDTHxHEIGHT (640x480)") from None
    if len(parts) > 2 or min(w, h) < MIN_IMAGE_SIZE or w % 16 or h % 16:
        raise ExportError(f"image size {text!r}: width and height must be multiples of 16 of at least "
                          f"{MIN_IMAGE_SIZE} (layer3 has stride 16); 224 is the default, 640x480 sees a "
                          "640x480 frame at its native scale")
    return w, h


class PatchCoreFeatures(nn.Module):
    """uint8 [N,H,W,3] RGB -> locally aggregated layer2+layer3 patch features [N,384,H/8,W/8]."""

    def __init__(self, resnet, channel_order="bgr"):
        super().__init__()
        self.resnet = resnet
        self.channel_order = channel_order

    def forward(self, image):
        f2, f3 = self.resnet(network_pixels(image, self.channel_order), LAYERS)
        f2 = F.avg_pool2d(f2, 3, 1, 1, count_include_pad=False)
        f3 = F.avg_pool2d(f3, 3, 1, 1, count_include_pad=False)
        # Python-int sizes keep the exported Resize static.
        f3 = F.interpolate(f3, size=(int(f2.shape[2]), int(f2.shape[3])), mode="bilinear", align_corners=False)
        return torch.cat([f2, f3], 1)


class PatchFeatureModel(nn.Module):
    """features.onnx: `patch_features` [N,P,384], P = (H/8) x (W/8), row-major."""

    def __init__(self, features):
        super().__init__()
        self.features = features

    def forward(self, image):
        return self.features(image).flatten(2).transpose(1, 2)


def nearest_distance(patches, bank):
    """patches [N,P,E], bank [M,E] -> Euclidean distance to the nearest bank row [N,P]."""
    d2 = (patches * patches).sum(-1, keepdim=True) - 2 * patches @ bank.t() + (bank * bank).sum(-1)
    return d2.amin(-1).clamp(min=0).sqrt()


class PatchCoreModel(nn.Module):
    """model.onnx: (image, memory_bank, position_gain, position_bias, distance_scale) ->
    (anomaly_map [N,1,H,W], score [N])."""

    def __init__(self, features, width, height):
        super().__init__()
        self.features = features
        self.width, self.height = width, height
        radius = min(int(4 * SMOOTHING_SIGMA + 0.5), min(width, height) - 1)
        k = gaussian_kernel(SMOOTHING_SIGMA, radius)
        self.radius = radius
        self.register_buffer("smooth_h", k.reshape(1, 1, 1, -1))
        self.register_buffer("smooth_v", k.reshape(1, 1, -1, 1))

    def distance_map(self, image, memory_bank):
        """Smoothed nearest-neighbour distance at input resolution [N,1,H,W]."""
        feats = self.features(image)
        h, w = int(feats.shape[2]), int(feats.shape[3])  # static grid; the batch stays dynamic (-1)
        dist = nearest_distance(feats.flatten(2).transpose(1, 2), memory_bank).reshape(-1, 1, h, w)
        dist = F.interpolate(dist, size=(self.height, self.width), mode="bilinear", align_corners=False)
        return smooth(dist, self.smooth_h, self.smooth_v, self.radius).clamp(min=0)

    def forward(self, image, memory_bank, position_gain, position_bias, distance_scale):
        dist = (self.distance_map(image, memory_bank) * position_gain + position_bias).clamp(min=0)
        amap = dist / (dist + distance_scale)
        return amap, amap.flatten(1).amax(1)


def build_models(weights, image_size=224, channel_order="bgr", verify=True):
    width, height = parse_image_size(image_size)
    features = PatchCoreFeatures(load_cntk_resnet(weights, verify), channel_order).eval()
    return PatchFeatureModel(features).eval(), PatchCoreModel(features, width, height).eval()


def export_patchcore(weights, out, image_size=224, channel_order="bgr", int8=False, calibration=None,
                     name="patchcore-resnet18", version=1, log=print, verify=True, resize="area"):
    """An enrollable package: features.onnx, model.onnx with a one-row placeholder `memory_bank`
    (enroll replaces it), optionally model.int8.onnx (INT8 QDQ calibrated on `calibration`, a
    folder of good images), manifest.json. Thresholds are set by enroll. resize: how the agent
    brings a frame to the input size; area (the default) averages, so a defect thinner than the
    reduction factor stays visible at lower contrast instead of vanishing with its phase."""
    if resize not in ("area", "bilinear", "bicubic"):
        raise ExportError(f"resize {resize!r}: use area (default), bilinear or bicubic")
    if int8 and not calibration:
        raise ExportError("--int8 needs calibration images: pass --calibration DIR with good images of the part")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    feature_model, model = build_models(weights, image_size, channel_order, verify)
    dummy = torch.zeros(1, model.height, model.width, 3, dtype=torch.uint8)
    _torch_export(feature_model, (dummy,), out / "features.onnx", ["image"], ["patch_features"],
                  {"image": {0: "N"}, "patch_features": {0: "N"}})
    log(f"wrote {out / 'features.onnx'}")
    bank = torch.zeros(1, FEATURE_WIDTH)
    scale = torch.tensor(DISTANCE_SCALE, dtype=torch.float32)
    export_model_onnx(model, out / "model.onnx", bank, scale)
    size = (model.width, model.height)
    log(f"wrote {out / 'model.onnx'} (placeholder memory bank: run edge-inspector enroll)")
    files, models = ["model.onnx", "features.onnx"], {"fp32": "model.onnx"}
    if int8:
        calib = good_images(calibration, size)[:MAX_CALIBRATION_IMAGES]
        quantize_qdq(out / "model.onnx", out / "model.int8.onnx", list(calib))
        files.append("model.int8.onnx")
        models["int8"] = "model.int8.onnx"
        log(f"wrote {out / 'model.int8.onnx'} (INT8 QDQ, calibrated on {len(calib)} good images)")
    decision = {"image_threshold": 0.5, "pixel_threshold": 0.5, "score_scale": 0.05, "min_region_area_px": 16}
    engine = {"kind": "patchcore", "layers": ["layer2", "layer3"], "feature_width": FEATURE_WIDTH,
              "channel_order": channel_order, "weights_sha256": RESNET18_SHA256 if verify else None}
    manifest = write_manifest(
        out, files, name, version, BACKBONE, size, decision, {},
        f"PatchCore on ImageNet ResNet18 (layer2+layer3, 3x3 aggregation, {channel_order.upper()} input), "
        "placeholder memory bank (not enrolled)", models, resize=resize, extra={"engine": engine})
    return manifest


def export_model_onnx(model, path, bank, scale, gain=None, bias=None):
    """model.onnx with `memory_bank` (row count symbolic, so enroll can swap in any size),
    `position_gain` and `position_bias` [1,1,H,W] (identity unless given) and `distance_scale`
    as named initializers."""
    dummy = torch.zeros(1, model.height, model.width, 3, dtype=torch.uint8)
    gain = torch.ones(1, 1, model.height, model.width) if gain is None else gain
    bias = torch.zeros(1, 1, model.height, model.width) if bias is None else bias
    names = ["image", "memory_bank", "position_gain", "position_bias", "distance_scale"]
    _torch_export(model, (dummy, bank, gain, bias, scale), path, names, ["anomaly_map", "score"],
                  {"image": {0: "N"}, "memory_bank": {0: "M"}, "anomaly_map": {0: "N"}, "score": {0: "N"}})
    return freeze_inputs(path, names[1:], (bank, gain, bias, scale), (model.width, model.height))
