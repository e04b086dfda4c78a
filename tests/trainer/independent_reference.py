"""A second, separately written CLIP + AnomalyCLIP inference, in plain PyTorch float64.

It shares no code with edgeinspector_trainer (nothing here imports it) and was written from the
descriptions, not from the trainer's modules:
- the checkpoint: safetensors read here (8-byte header length, JSON header, raw little-endian data);
- CLIP: Hugging Face transformers' CLIPModel semantics (modeling_clip.py): patch conv without bias,
  class token, learned positions, pre_layrnorm, pre-LN encoder layers, attention scaled by
  head_dim^-0.5, quick_gelu (x * sigmoid(1.702 x)) or exact erf gelu, causal text mask, text pooled
  at the end-of-text token after final_layer_norm, bias-free projections;
- AnomalyCLIP: the reference implementation (github.com/zqhang/AnomalyCLIP): DPAM on the last N
  vision layers, where a second path adds value-value attention (softmax(v v^T * scale) v, through
  out_proj) computed from the original path's LN1 input and skips the FFN, while the original path
  runs unchanged; patch tokens of the feature layers are taken from that v-v path (from the plain
  path before it starts) through post_layernorm + visual projection; the global feature is the
  original path's class token through the projection without post_layernorm; similarities at
  temperature 0.07;
- the package graph as src/trainer/README.md describes it: uint8 RGB / 255 with CLIP's mean/std,
  the anomalous-prompt probability averaged over the feature layers; when the package has a bank,
  w times that plus (1 - w) times the memory-bank distance (1 - max cosine) / 2, w being the
  package's `text_weight` (0.5 when it has none); bilinear upsampling with half-pixel
  centres, a Gaussian of sigma 4 truncated at 4 sigma (at most size - 1) with mirrored borders,
  clamped to [0, 1]; score = w * global anomalous probability + (1 - w) * map maximum (w = 0.5
  without a bank).

Everything runs in float64, so its distance to a float32 runtime measures the runtime's error.
"""
import json
import math
import struct
from pathlib import Path

import numpy as np
import torch

CLIP_PIXEL_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_PIXEL_STD = (0.26862954, 0.26130258, 0.27577711)
TEMPERATURE = 0.07
SIGMA = 4.0

_DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_weights(path):
    """{name: tensor} of a .safetensors file; floating tensors widened to float64."""
    blob = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        if info["dtype"] == "BF16":  # bfloat16 = the upper half of a float32
            raw = np.frombuffer(data[start:end], dtype="<u2").astype("<u4") << 16
            arr = raw.view("<f4")
        else:
            arr = np.frombuffer(data[start:end], dtype=np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<"))
        t = torch.from_numpy(arr.copy()).reshape(info["shape"])
        out[name] = t.double() if t.is_floating_point() else t
    return out


def _layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def _activation(name, x):
    if name == "quick_gelu":
        return x * torch.sigmoid(1.702 * x)
    if name == "gelu":
        return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
    raise ValueError(f"activation {name!r}")


def _softmax(x):
    e = torch.exp(x - x.max(-1, keepdim=True).values)
    return e / e.sum(-1, keepdim=True)


def _normalize(x):
    return x / torch.sqrt((x * x).sum(-1, keepdim=True))


class Tower:
    """One transformer stack of a CLIPModel (`prefix` is text_model. or vision_model.)."""

    def __init__(self, w, prefix, cfg):
        self.w, self.p = w, prefix
        self.heads = cfg["num_attention_heads"]
        self.eps = cfg.get("layer_norm_eps", 1e-5)
        self.act = cfg.get("hidden_act", "quick_gelu")
        self.layers = cfg["num_hidden_layers"]

    def _lin(self, x, name, bias=True):
        y = x @ self.w[name + ".weight"].t()
        return y + self.w[name + ".bias"] if bias else y

    def ln(self, x, name):
        return _layer_norm(x, self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def _heads(self, x):
        b, n, c = x.shape
        return x.view(b, n, self.heads, c // self.heads).permute(0, 2, 1, 3)

    def attention(self, i, x, mask=None, value_value=False):
        a = f"{self.p}encoder.layers.{i}.self_attn."
        q, k, v = (self._heads(self._lin(x, a + n)) for n in ("q_proj", "k_proj", "v_proj"))
        scale = q.shape[-1] ** -0.5
        logits = (q @ k.transpose(-1, -2)) * scale
        if mask is not None:
            logits = logits + mask
        mixed = [_softmax(logits) @ v]
        if value_value:
            mixed.append(_softmax((v @ v.transpose(-1, -2)) * scale) @ v)
        b, _, n, _ = q.shape
        return [self._lin(m.permute(0, 2, 1, 3).reshape(b, n, -1), a + "out_proj") for m in mixed]

    def mlp(self, i, x):
        m = f"{self.p}encoder.layers.{i}.mlp."
        return self._lin(_activation(self.act, self._lin(x, m + "fc1")), m + "fc2")

    def layer(self, i, x, mask=None):
        lay = f"{self.p}encoder.layers.{i}."
        x = x + self.attention(i, self.ln(x, lay + "layer_norm1"), mask)[0]
        return x + self.mlp(i, self.ln(x, lay + "layer_norm2"))


class ReferenceClip:
    """A Hugging Face CLIPModel folder (config.json + model.safetensors), read independently."""

    def __init__(self, directory):
        d = Path(directory)
        cfg = json.loads((d / "config.json").read_text())
        self.text_cfg, self.vision_cfg = cfg["text_config"], cfg["vision_config"]
        self.w = read_weights(d / "model.safetensors")
        self.text = Tower(self.w, "text_model.", self.text_cfg)
        self.vision = Tower(self.w, "vision_model.", self.vision_cfg)
        self.image_size = self.vision_cfg["image_size"]
        self.patch = self.vision_cfg["patch_size"]
        self.layers = self.vision_cfg["num_hidden_layers"]

    # --- text ---------------------------------------------------------------------------------
    def encode_text(self, ids, eot_id):
        """ids: one prompt's token ids (SOT ... EOT, no padding); its projected feature [E]."""
        t = torch.tensor(ids)
        n = len(ids)
        x = self.w["text_model.embeddings.token_embedding.weight"][t] + \
            self.w["text_model.embeddings.position_embedding.weight"][:n]
        x = x.unsqueeze(0)
        mask = torch.triu(torch.full((n, n), float("-inf"), dtype=torch.float64), diagonal=1)
        for i in range(self.text.layers):
            x = self.text.layer(i, x, mask)
        x = self.text.ln(x, "text_model.final_layer_norm")
        pooled = x[0, ids.index(eot_id)]
        return pooled @ self.w["text_projection.weight"].t()

    def ensemble_text_features(self, prompt_groups, tokenize, eot_id):
        """Per group (row 0 normal, row 1 anomalous): mean of the unit prompt features, renormalised."""
        rows = [_normalize(torch.stack([_normalize(self.encode_text(tokenize(p), eot_id)) for p in group]).mean(0))
                for group in prompt_groups]
        return torch.stack(rows)

    # --- vision -------------------------------------------------------------------------------
    def feature_layers(self):
        """The quarter depths (1-based), as the README says: the reference's [6, 12, 18, 24] of ViT-L."""
        return sorted({max(1, self.layers * q // 4) for q in (1, 2, 3, 4)})

    def image_features(self, images_u8, dpam):
        """uint8 [N,H,W,3] -> (global [N,E], [per feature layer: patches [N,P,E]]), unit vectors."""
        w = self.w
        x = torch.from_numpy(np.ascontiguousarray(images_u8)).double().permute(0, 3, 1, 2) / 255.0
        x = (x - torch.tensor(CLIP_PIXEL_MEAN, dtype=torch.float64).view(1, 3, 1, 1)) / \
            torch.tensor(CLIP_PIXEL_STD, dtype=torch.float64).view(1, 3, 1, 1)
        # the stride-p convolution as a matrix product over unfolded patches
        n, _, h, _ = x.shape
        g, p = h // self.patch, self.patch
        cols = x.reshape(n, 3, g, p, g, p).permute(0, 2, 4, 1, 3, 5).reshape(n, g * g, 3 * p * p)
        kernel = w["vision_model.embeddings.patch_embedding.weight"].reshape(-1, 3 * p * p)
        tokens = cols @ kernel.t()
        cls = w["vision_model.embeddings.class_embedding"].expand(n, 1, -1)
        x = torch.cat([cls, tokens], 1) + w["vision_model.embeddings.position_embedding.weight"]
        x = self.vision.ln(x, "vision_model.pre_layrnorm")
        first_dual = self.layers - dpam
        wanted = set(self.feature_layers())
        vv, taken = None, {}
        for i in range(self.layers):
            if i < first_dual:
                x = self.vision.layer(i, x)
            else:
                if vv is None:
                    vv = x
                lay = f"vision_model.encoder.layers.{i}."
                attn, attn_vv = self.vision.attention(i, self.vision.ln(x, lay + "layer_norm1"), value_value=True)
                vv = vv + attn_vv
                x = x + attn
                x = x + self.vision.mlp(i, self.vision.ln(x, lay + "layer_norm2"))
            if i + 1 in wanted:
                taken[i + 1] = x if vv is None else vv
        proj = w["visual_projection.weight"]
        glob = _normalize(x[:, 0] @ proj.t())
        patches = [_normalize(self.vision.ln(taken[k][:, 1:], "vision_model.post_layernorm") @ proj.t())
                   for k in sorted(taken)]
        return glob, patches

    # --- the package graph -------------------------------------------------------------------
    def inspect(self, images_u8, text_features, dpam, memory_bank=None, text_weight=0.5):
        """(anomaly_map [N,1,S,S], score [N]) as float64 numpy."""
        w = float(text_weight) if memory_bank is not None else 0.5
        t = torch.tensor(np.array(text_features), dtype=torch.float64)
        glob, patches = self.image_features(images_u8, dpam)
        grid = self.image_size // self.patch
        text_map = torch.stack([_softmax(pa @ t.t() / TEMPERATURE)[..., 1] for pa in patches]).mean(0)
        if memory_bank is not None:
            bank = torch.tensor(np.array(memory_bank), dtype=torch.float64)
            mean_patch = _normalize(torch.stack(patches).mean(0))
            text_map = w * text_map + (1 - w) * (1 - (mean_patch @ bank.t()).max(-1).values) / 2
        size = self.image_size
        amap = smooth(upsample_bilinear(text_map.reshape(-1, grid, grid), size), SIGMA).clamp(0, 1)
        prob = _softmax(glob @ t.t() / TEMPERATURE)[:, 1]
        score = w * prob + (1 - w) * amap.flatten(1).max(1).values
        return amap.unsqueeze(1).numpy(), score.numpy()


def _source_coords(out_size, in_size):
    """Half-pixel centres: out pixel i samples (i + 0.5) * in/out - 0.5, clamped at the border."""
    s = (torch.arange(out_size, dtype=torch.float64) + 0.5) * (in_size / out_size) - 0.5
    s = s.clamp(min=0)
    i0 = s.floor().long().clamp(max=in_size - 1)
    i1 = (i0 + 1).clamp(max=in_size - 1)
    return i0, i1, s - i0


def upsample_bilinear(maps, size):
    """[N,g,g] -> [N,size,size]."""
    r0, r1, fr = _source_coords(size, maps.shape[1])
    c0, c1, fc = _source_coords(size, maps.shape[2])
    rows = maps[:, r0] * (1 - fr).view(1, -1, 1) + maps[:, r1] * fr.view(1, -1, 1)
    return rows[:, :, c0] * (1 - fc) + rows[:, :, c1] * fc


def smooth(maps, sigma):
    """Separable Gaussian, truncated at 4 sigma (at most size - 1), mirrored borders (d c b | a b c d)."""
    size = maps.shape[-1]
    r = min(int(4 * sigma + 0.5), size - 1)
    offsets = torch.arange(-r, r + 1, dtype=torch.float64)
    k = torch.exp(-offsets ** 2 / (2 * sigma ** 2))
    k = k / k.sum()

    def mirror(i):
        i = i.abs()
        return torch.where(i > size - 1, 2 * (size - 1) - i, i)

    idx = torch.arange(size)
    for axis in (2, 1):  # rows first, then columns
        out = torch.zeros_like(maps)
        for j, kj in zip(range(-r, r + 1), k):
            out = out + kj * maps.index_select(axis, mirror(idx + j))
        maps = out
    return maps


def main(argv=None):
    """Raw float32 maps [N,1,S,S] to --out and scores to --out.score, for a package's text features
    and memory bank (read from its model.onnx) and DPAM depth (from its manifest): what the C#
    tests hold ONNX Runtime's output against."""
    import argparse
    import re

    import onnx
    import onnx.numpy_helper

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clip", required=True, help="Hugging Face CLIPModel folder with model.safetensors")
    p.add_argument("--package", required=True)
    p.add_argument("--images", required=True, help="raw uint8 RGB, N x size x size x 3")
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    package = Path(a.package)
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(str(package / "model.onnx")).graph.initializer}
    found = re.search(r"DPAM (\d+)", json.loads((package / "manifest.json").read_text())["description"])
    if found is None:
        raise SystemExit(f"{package / 'manifest.json'}: the description names no DPAM depth")
    images = np.fromfile(a.images, dtype=np.uint8).reshape(-1, a.size, a.size, 3)
    clip = ReferenceClip(a.clip)
    if clip.image_size != a.size:
        raise SystemExit(f"{a.clip}: input size {clip.image_size}, not {a.size}")
    amap, score = clip.inspect(images, inits["text_features"], int(found.group(1)), inits.get("memory_bank"),
                               float(inits["text_weight"]) if "text_weight" in inits else 0.5)
    amap.astype("<f4").tofile(a.out)
    score.astype("<f4").tofile(a.out + ".score")


if __name__ == "__main__":
    main()
