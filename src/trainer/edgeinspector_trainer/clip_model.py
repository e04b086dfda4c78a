"""CLIP (ViT vision tower + text tower) with Hugging Face parameter names.

Modules are named like transformers' CLIPModel so an HF state dict loads without renaming;
OpenAI TorchScript checkpoints are mapped onto the same names. The vision encoder can run the
DPAM dual path (value-value attention) that AnomalyCLIP uses for local features.
"""
import inspect
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .errors import CheckpointError
from .safetensors_io import read_safetensors
from .tokenizer import ClipTokenizer

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)

# transformers' CLIPTextConfig / CLIPVisionConfig defaults, used for keys a config.json omits.
_TEXT_DEFAULTS = dict(hidden_size=512, intermediate_size=2048, num_hidden_layers=12, num_attention_heads=8,
                      max_position_embeddings=77, vocab_size=49408, hidden_act="quick_gelu", layer_norm_eps=1e-5)
_VISION_DEFAULTS = dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
                        image_size=224, patch_size=32, hidden_act="quick_gelu", layer_norm_eps=1e-5)


@dataclass
class ClipConfig:
    text_hidden: int
    text_layers: int
    text_heads: int
    text_intermediate: int
    text_act: str
    context_length: int
    vocab_size: int
    vision_hidden: int
    vision_layers: int
    vision_heads: int
    vision_intermediate: int
    vision_act: str
    image_size: int
    patch_size: int
    projection_dim: int
    layer_norm_eps: float = 1e-5  # vision tower
    text_layer_norm_eps: float = 1e-5

    @property
    def grid(self):
        return self.image_size // self.patch_size

    def validate(self, source):
        for tower, width, heads in (("text", self.text_hidden, self.text_heads),
                                    ("vision", self.vision_hidden, self.vision_heads)):
            if heads <= 0 or width % heads:
                raise CheckpointError(f"{source}: {tower} hidden size {width} is not divisible by "
                                      f"{heads} attention heads; fix num_attention_heads in config.json")
        for act in (self.text_act, self.vision_act):
            if act not in ("quick_gelu", "gelu"):
                raise CheckpointError(f"{source}: hidden_act {act!r} is not supported (quick_gelu, gelu)")
        if self.image_size % self.patch_size:
            raise CheckpointError(f"{source}: image_size {self.image_size} is not a multiple of "
                                  f"patch_size {self.patch_size}")
        return self

    @classmethod
    def from_hf_json(cls, path):
        path = Path(path)
        if not path.is_file():
            raise CheckpointError(f"{path}: file not found; pass --clip a Hugging Face CLIP folder "
                                  f"(config.json, model.safetensors, vocab.json, merges.txt)")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise CheckpointError(f"{path}: not valid JSON ({e}); re-download config.json") from None
        if raw.get("model_type", "clip") != "clip":
            raise CheckpointError(f"{path}: model_type {raw.get('model_type')!r} is not 'clip'; "
                                  f"use a CLIPModel checkpoint such as openai/clip-vit-base-patch32")
        text = dict(_TEXT_DEFAULTS, **(raw.get("text_config") or raw.get("text_config_dict") or {}))
        vision = dict(_VISION_DEFAULTS, **(raw.get("vision_config") or raw.get("vision_config_dict") or {}))
        try:
            return cls(
                text_hidden=int(text["hidden_size"]), text_layers=int(text["num_hidden_layers"]),
                text_heads=int(text["num_attention_heads"]), text_intermediate=int(text["intermediate_size"]),
                text_act=text["hidden_act"], context_length=int(text["max_position_embeddings"]),
                vocab_size=int(text["vocab_size"]),
                vision_hidden=int(vision["hidden_size"]), vision_layers=int(vision["num_hidden_layers"]),
                vision_heads=int(vision["num_attention_heads"]),
                vision_intermediate=int(vision["intermediate_size"]), vision_act=vision["hidden_act"],
                image_size=int(vision["image_size"]), patch_size=int(vision["patch_size"]),
                projection_dim=int(raw.get("projection_dim", 512)),
                layer_norm_eps=float(vision["layer_norm_eps"]),
                text_layer_norm_eps=float(text["layer_norm_eps"]),
            ).validate(path)
        except (TypeError, ValueError) as e:
            raise CheckpointError(f"{path}: unusable geometry value ({e}); fix config.json") from None

    def to_hf_json(self):
        return {
            "model_type": "clip", "architectures": ["CLIPModel"], "projection_dim": self.projection_dim,
            "text_config": {"hidden_size": self.text_hidden, "num_hidden_layers": self.text_layers,
                            "num_attention_heads": self.text_heads, "intermediate_size": self.text_intermediate,
                            "hidden_act": self.text_act, "max_position_embeddings": self.context_length,
                            "vocab_size": self.vocab_size, "layer_norm_eps": self.text_layer_norm_eps},
            "vision_config": {"hidden_size": self.vision_hidden, "num_hidden_layers": self.vision_layers,
                              "num_attention_heads": self.vision_heads,
                              "intermediate_size": self.vision_intermediate, "hidden_act": self.vision_act,
                              "image_size": self.image_size, "patch_size": self.patch_size,
                              "layer_norm_eps": self.layer_norm_eps},
        }

    def to_dict(self):
        return asdict(self)


def _activation(name):
    if name == "quick_gelu":
        return lambda x: x * torch.sigmoid(1.702 * x)
    return F.gelu


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads, self.head_dim = heads, width // heads
        self.scale = self.head_dim ** -0.5
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(width, width) for _ in range(4))

    def _split(self, x):
        b, n, _ = x.shape
        return x.reshape(b, n, self.heads, self.head_dim).transpose(1, 2)

    def _merge(self, x):
        b, _, n, _ = x.shape
        return self.out_proj(x.transpose(1, 2).reshape(b, n, self.heads * self.head_dim))

    def forward(self, x, mask=None, value_value=False):
        """Returns (q-k attention output, v-v attention output or None)."""
        q, k, v = self._split(self.q_proj(x)), self._split(self.k_proj(x)), self._split(self.v_proj(x))
        scores = (q * self.scale) @ k.transpose(-1, -2)
        if mask is not None:
            scores = scores + mask
        out = self._merge(scores.softmax(-1) @ v)
        if not value_value:
            return out, None
        # DPAM: attention among values keeps each patch attending to similar patches, which
        # gives the sharp local features AnomalyCLIP's segmentation relies on.
        vv = ((v * self.scale) @ v.transpose(-1, -2)).softmax(-1)
        return out, self._merge(vv @ v)


class Mlp(nn.Module):
    def __init__(self, width, hidden, act):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(width, hidden), nn.Linear(hidden, width)
        self.act = _activation(act)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class EncoderLayer(nn.Module):
    def __init__(self, width, heads, hidden, act, eps):
        super().__init__()
        self.self_attn = Attention(width, heads)
        self.layer_norm1 = nn.LayerNorm(width, eps=eps)
        self.mlp = Mlp(width, hidden, act)
        self.layer_norm2 = nn.LayerNorm(width, eps=eps)

    def forward(self, x, mask=None):
        x = x + self.self_attn(self.layer_norm1(x), mask)[0]
        return x + self.mlp(self.layer_norm2(x))

    def forward_dual(self, x_vv, x_ori):
        """AnomalyCLIP's dual path: the original path is unchanged; the v-v path adds the v-v
        attention of the original path's input and skips the FFN."""
        attn, attn_vv = self.self_attn(self.layer_norm1(x_ori), value_value=True)
        x_ori = x_ori + attn
        x_ori = x_ori + self.mlp(self.layer_norm2(x_ori))
        return x_vv + attn_vv, x_ori


class Encoder(nn.Module):
    def __init__(self, width, layers, heads, hidden, act, eps):
        super().__init__()
        self.layers = nn.ModuleList(EncoderLayer(width, heads, hidden, act, eps) for _ in range(layers))


class VisionEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.class_embedding = nn.Parameter(torch.zeros(cfg.vision_hidden))
        self.patch_embedding = nn.Conv2d(3, cfg.vision_hidden, cfg.patch_size, cfg.patch_size, bias=False)
        self.position_embedding = nn.Embedding(cfg.grid ** 2 + 1, cfg.vision_hidden)

    def forward(self, pixels):
        x = self.patch_embedding(pixels).flatten(2).transpose(1, 2)
        cls = self.class_embedding.reshape(1, 1, -1).expand(x.shape[0], 1, -1)
        return torch.cat([cls, x], dim=1) + self.position_embedding.weight.unsqueeze(0)


class VisionTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = VisionEmbeddings(cfg)
        self.pre_layrnorm = nn.LayerNorm(cfg.vision_hidden, eps=cfg.layer_norm_eps)  # HF spelling
        self.encoder = Encoder(cfg.vision_hidden, cfg.vision_layers, cfg.vision_heads, cfg.vision_intermediate,
                               cfg.vision_act, cfg.layer_norm_eps)
        self.post_layernorm = nn.LayerNorm(cfg.vision_hidden, eps=cfg.layer_norm_eps)

    def forward(self, pixels, dpam_layers=0, feature_layers=()):
        """Returns (CLS token of the original path, {layer (1-based): tokens}); no post_layernorm.

        The last `dpam_layers` layers run the dual path; tokens collected from those layers
        come from the v-v path, as in AnomalyCLIP."""
        x = self.pre_layrnorm(self.embeddings(pixels))
        layers = self.encoder.layers
        first_dual = len(layers) - dpam_layers
        x_vv, features = None, {}
        for i, layer in enumerate(layers):
            if i < first_dual:
                x = layer(x)
            else:
                x_vv, x = layer.forward_dual(x if x_vv is None else x_vv, x)
            if i + 1 in feature_layers:
                features[i + 1] = x if i < first_dual else x_vv
        return x[:, 0], features


class TextEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.token_embedding = nn.Embedding(cfg.vocab_size, cfg.text_hidden)
        self.position_embedding = nn.Embedding(cfg.context_length, cfg.text_hidden)


class TextTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = TextEmbeddings(cfg)
        self.encoder = Encoder(cfg.text_hidden, cfg.text_layers, cfg.text_heads, cfg.text_intermediate,
                               cfg.text_act, cfg.text_layer_norm_eps)
        self.final_layer_norm = nn.LayerNorm(cfg.text_hidden, eps=cfg.text_layer_norm_eps)

    def forward_embeds(self, embeds, eot_index, deep_prompts=()):
        """Encode token embeddings [B,L,W]; pooled at eot_index [B].

        deep_prompts[j] [n,W] replaces tokens 1..n before layer j+1 (AnomalyCLIP's deep
        learnable text tokens; layer 0 sees the prompt learner's own embeddings)."""
        n = embeds.shape[1]
        x = embeds + self.embeddings.position_embedding.weight[:n]
        mask = torch.full((n, n), float("-inf"), device=x.device).triu(1)
        for i, layer in enumerate(self.encoder.layers):
            if 1 <= i <= len(deep_prompts):
                p = deep_prompts[i - 1]
                x = torch.cat([x[:, :1], p.unsqueeze(0).expand(x.shape[0], -1, -1), x[:, 1 + p.shape[0]:]], 1)
            x = layer(x, mask)
        x = self.final_layer_norm(x)
        return x[torch.arange(x.shape[0], device=x.device), eot_index]


class ClipModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.vision_model = VisionTransformer(cfg)
        self.text_model = TextTransformer(cfg)
        self.visual_projection = nn.Linear(cfg.vision_hidden, cfg.projection_dim, bias=False)
        self.text_projection = nn.Linear(cfg.text_hidden, cfg.projection_dim, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        self.eot_token = None  # set by load_clip from the tokenizer

    def encode_text(self, input_ids):
        eot = input_ids.argmax(-1) if self.eot_token is None else (input_ids == self.eot_token).int().argmax(-1)
        embeds = self.text_model.embeddings.token_embedding(input_ids)
        return self.text_projection(self.text_model.forward_embeds(embeds, eot))

    def encode_image(self, pixels):
        return self.visual_projection(self.vision_model.post_layernorm(self.vision_model(pixels)[0]))

    def set_image_size(self, image_size):
        """Bicubic interpolation of the patch position embeddings to a new input size."""
        cfg = self.config
        if image_size % cfg.patch_size:
            raise CheckpointError(f"image size {image_size} is not a multiple of the patch size "
                                  f"{cfg.patch_size}; choose e.g. {round(image_size / cfg.patch_size) * cfg.patch_size}")
        if image_size == cfg.image_size:
            return self
        pos = self.vision_model.embeddings.position_embedding.weight.data
        old, new = cfg.grid, image_size // cfg.patch_size
        grid = pos[1:].reshape(1, old, old, -1).permute(0, 3, 1, 2)
        grid = F.interpolate(grid, size=(new, new), mode="bicubic", align_corners=False)
        weight = torch.cat([pos[:1], grid.permute(0, 2, 3, 1).reshape(new * new, -1)])
        emb = nn.Embedding(weight.shape[0], weight.shape[1])
        emb.weight.data.copy_(weight)
        self.vision_model.embeddings.position_embedding = emb.to(pos.device)
        cfg.image_size = image_size
        return self

    def load_checked(self, state, source):
        """Load a state dict with HF names; raise CheckpointError naming keys and shapes.

        Every tensor in the file must be used: an unexpected one means the file holds another
        architecture (or a head this model would silently drop). The only exception is
        transformers' `position_ids` buffers (0..n-1, saved by versions before 4.31)."""
        expected = self.state_dict()
        missing = [k for k in expected if k not in state]
        if missing:
            raise CheckpointError(f"{source}: {len(missing)} weights missing (e.g. {missing[:3]}); "
                                  f"the file is not a CLIPModel checkpoint or does not match its config")
        unexpected = sorted(k for k in state if k not in expected and not _is_position_ids(k, state[k]))
        if unexpected:
            raise CheckpointError(f"{source}: {len(unexpected)} tensors this CLIP does not use "
                                  f"(e.g. {unexpected[:3]}); the file is not a plain CLIPModel checkpoint "
                                  f"(export the CLIPModel part, e.g. model.clip.save_pretrained)")
        for k, v in expected.items():
            if tuple(state[k].shape) != tuple(v.shape):
                raise CheckpointError(f"{source}: weight {k} has shape {tuple(state[k].shape)} but the "
                                      f"config implies {tuple(v.shape)}; config.json and weights disagree")
        self.load_state_dict({k: state[k].float() for k in expected})
        return self


def _is_position_ids(key, tensor):
    """transformers' CLIP embeddings buffer: [1, n] = 0..n-1, not a weight."""
    return (key.endswith("embeddings.position_ids") and not tensor.is_floating_point()
            and torch.equal(tensor.reshape(-1).long(), torch.arange(tensor.numel())))


def _read_pytorch_bin(path):
    """pytorch_model.bin (the only weights file of checkpoints saved before safetensors), read
    without running pickled code: torch.load(weights_only=True), torch >= 1.13."""
    if "weights_only" not in inspect.signature(torch.load).parameters:
        raise CheckpointError(f"{path}: reading pytorch_model.bin safely needs torch >= 1.13; "
                              f"convert the checkpoint to model.safetensors")
    try:
        state = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as e:  # pickle/zip errors of many kinds
        raise CheckpointError(f"{path}: not a PyTorch state dict ({str(e).splitlines()[0]}); "
                              f"re-download it or use model.safetensors") from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{path}: does not hold a flat state dict of tensors; use model.safetensors")
    return state


def load_hf(directory):
    d = Path(directory)
    cfg = ClipConfig.from_hf_json(d / "config.json")
    weights = d / "model.safetensors"
    if weights.is_file():
        return ClipModel(cfg).load_checked(read_safetensors(weights), weights)
    if (d / "pytorch_model.bin").is_file():
        return ClipModel(cfg).load_checked(_read_pytorch_bin(d / "pytorch_model.bin"), d / "pytorch_model.bin")
    raise CheckpointError(f"{weights}: file not found; download model.safetensors (or pytorch_model.bin) "
                          f"for this checkpoint")


_OPENAI_LAYER = {"attn.out_proj": "self_attn.out_proj", "ln_1": "layer_norm1", "ln_2": "layer_norm2",
                 "mlp.c_fc": "mlp.fc1", "mlp.c_proj": "mlp.fc2"}


def openai_to_hf(sd):
    """Rename an OpenAI CLIP state dict to HF names (splitting in_proj into q/k/v)."""
    out = {}
    for key, v in sd.items():
        for src, dst in (("visual.transformer.resblocks.", "vision_model.encoder.layers."),
                         ("transformer.resblocks.", "text_model.encoder.layers.")):
            if key.startswith(src):
                idx, rest = key[len(src):].split(".", 1)
                prefix = f"{dst}{idx}."
                if rest.startswith("attn.in_proj_"):
                    kind = rest.rsplit("_", 1)[1]  # weight | bias
                    for name, part in zip(("q_proj", "k_proj", "v_proj"), v.chunk(3, dim=0)):
                        out[f"{prefix}self_attn.{name}.{kind}"] = part
                else:
                    mod, kind = rest.rsplit(".", 1)
                    if mod in _OPENAI_LAYER:
                        out[f"{prefix}{_OPENAI_LAYER[mod]}.{kind}"] = v
                break
        else:
            simple = {
                "visual.class_embedding": "vision_model.embeddings.class_embedding",
                "visual.positional_embedding": "vision_model.embeddings.position_embedding.weight",
                "visual.conv1.weight": "vision_model.embeddings.patch_embedding.weight",
                "visual.ln_pre.weight": "vision_model.pre_layrnorm.weight",
                "visual.ln_pre.bias": "vision_model.pre_layrnorm.bias",
                "visual.ln_post.weight": "vision_model.post_layernorm.weight",
                "visual.ln_post.bias": "vision_model.post_layernorm.bias",
                "token_embedding.weight": "text_model.embeddings.token_embedding.weight",
                "positional_embedding": "text_model.embeddings.position_embedding.weight",
                "ln_final.weight": "text_model.final_layer_norm.weight",
                "ln_final.bias": "text_model.final_layer_norm.bias",
                "logit_scale": "logit_scale",
            }
            if key in simple:
                out[simple[key]] = v
            elif key == "visual.proj":
                out["visual_projection.weight"] = v.t()
            elif key == "text_projection":
                out["text_projection.weight"] = v.t()
    return out


def openai_config(sd, source):
    """Geometry of an OpenAI ViT CLIP from its weights, as OpenAI's build_model derives it."""
    try:
        width = sd["visual.conv1.weight"].shape[0]
        patch = sd["visual.conv1.weight"].shape[-1]
        grid = round((sd["visual.positional_embedding"].shape[0] - 1) ** 0.5)
        text_width = sd["ln_final.weight"].shape[0]
    except KeyError as e:
        raise CheckpointError(f"{source}: weight {e} missing; only OpenAI ViT CLIP checkpoints "
                              f"(ViT-B/32, ViT-L/14, ...) are supported, not ResNet ones") from None

    def count(prefix):
        return len({k[len(prefix):].split(".")[0] for k in sd if k.startswith(prefix)})

    return ClipConfig(
        text_hidden=text_width, text_layers=count("transformer.resblocks."), text_heads=max(1, text_width // 64),
        text_intermediate=sd["transformer.resblocks.0.mlp.c_fc.weight"].shape[0], text_act="quick_gelu",
        context_length=sd["positional_embedding"].shape[0], vocab_size=sd["token_embedding.weight"].shape[0],
        vision_hidden=width, vision_layers=count("visual.transformer.resblocks."), vision_heads=max(1, width // 64),
        vision_intermediate=sd["visual.transformer.resblocks.0.mlp.c_fc.weight"].shape[0], vision_act="quick_gelu",
        image_size=patch * grid, patch_size=patch, projection_dim=sd["text_projection"].shape[1],
    ).validate(source)


def load_openai(path):
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: file not found; pass the OpenAI CLIP .pt (e.g. ViT-B-32.pt)")
    try:
        sd = torch.jit.load(str(path), map_location="cpu").state_dict()
    except RuntimeError as e:
        raise CheckpointError(f"{path}: not a TorchScript archive ({str(e).splitlines()[0]}); "
                              f"use the original OpenAI .pt or an HF folder") from None
    return ClipModel(openai_config(sd, path)).load_checked(openai_to_hf(sd), path)


def load_clip(path, image_size=None):
    """(model, tokenizer) from an HF folder or an OpenAI .pt (tokenizer files beside it)."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"{path}: not found; pass --clip a Hugging Face CLIP folder or an OpenAI .pt file")
    if path.is_dir():
        model, tok_dir = load_hf(path), path
    elif path.suffix == ".pt":
        model, tok_dir = load_openai(path), path.parent
    else:
        raise CheckpointError(f"{path}: expected a Hugging Face CLIP folder or an OpenAI .pt file")
    tokenizer = ClipTokenizer.from_dir(tok_dir)
    model.eot_token = tokenizer.eot_token
    if image_size:
        model.set_image_size(int(image_size))
    return model.eval().requires_grad_(False), tokenizer
