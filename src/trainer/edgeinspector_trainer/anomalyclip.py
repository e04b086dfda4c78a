"""AnomalyCLIP (Zhou et al., ICLR 2024; reference github.com/zqhang/AnomalyCLIP).

Object-agnostic prompts "X*12 object." / "X*12 damaged object." with learnable context,
deep learnable text tokens, DPAM v-v attention for local visual features, similarity maps at
temperature 0.07, focal + dice + cross-entropy losses. CLIP itself stays frozen.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from .clip_model import CLIP_MEAN, CLIP_STD

TEMPERATURE = 0.07
PROMPTS = ("object.", "damaged object.")  # row 0 normal, row 1 anomalous
_MEAN = torch.tensor(CLIP_MEAN).reshape(1, 3, 1, 1)
_STD = torch.tensor(CLIP_STD).reshape(1, 3, 1, 1)


def default_dpam(vision_layers):
    """Reference setting scaled by depth: ViT-L (24 layers) -> 20, ViT-B (12) -> 10."""
    return max(1, vision_layers * 5 // 6)


def default_feature_layers(vision_layers):
    """Quarter depths, like the reference's [6, 12, 18, 24] for ViT-L."""
    return sorted({max(1, vision_layers * q // 4) for q in (1, 2, 3, 4)})


def normalize_images(images):
    """uint8 [N,H,W,3] RGB -> CLIP-normalised float [N,3,H,W]; the exported graph does the same."""
    x = images.float().permute(0, 3, 1, 2) / 255.0
    return (x - _MEAN.to(x.device)) / _STD.to(x.device)


class PromptLearner(nn.Module):
    def __init__(self, clip, tokenizer, n_ctx=12, depth=9, deep_tokens=4):
        super().__init__()
        cfg = clip.config
        width = cfg.text_hidden
        self.n_ctx = n_ctx
        self.depth = max(1, min(depth, cfg.text_layers))  # a layer can only be replaced if it exists
        self.deep_tokens = min(deep_tokens, n_ctx)
        self.ctx_pos = nn.Parameter(torch.randn(1, n_ctx, width) * 0.02)
        self.ctx_neg = nn.Parameter(torch.randn(1, n_ctx, width) * 0.02)
        self.deep_prompts = nn.ParameterList(
            nn.Parameter(torch.randn(self.deep_tokens, width) * 0.02) for _ in range(self.depth - 1))
        placeholder = " ".join(["X"] * n_ctx)
        tokens = tokenizer.tokenize([f"{placeholder} {p}" for p in PROMPTS], cfg.context_length)
        with torch.no_grad():
            embeds = clip.text_model.embeddings.token_embedding(tokens)
        self.register_buffer("token_prefix", embeds[:, :1].clone())
        self.register_buffer("token_suffix", embeds[:, 1 + n_ctx:].clone())
        self.register_buffer("eot_index", (tokens == tokenizer.eot_token).int().argmax(-1))

    def forward(self):
        ctx = torch.cat([self.ctx_pos, self.ctx_neg], 0)
        return torch.cat([self.token_prefix, ctx, self.token_suffix], 1)

    def settings(self):
        return {"n_ctx": self.n_ctx, "depth": self.depth, "deep_tokens": self.deep_tokens}


class AnomalyCLIP(nn.Module):
    def __init__(self, clip, tokenizer, depth=9, dpam=None, n_ctx=12, deep_tokens=4):
        super().__init__()
        layers = clip.config.vision_layers
        self.clip = clip.eval().requires_grad_(False)
        self.prompt_learner = PromptLearner(clip, tokenizer, n_ctx, depth, deep_tokens)
        self.dpam = min(layers, dpam if dpam else default_dpam(layers))
        self.feature_layers = default_feature_layers(layers)

    def train(self, mode=True):
        super().train(mode)
        self.clip.eval()  # frozen backbone: no dropout/statistics changes
        return self

    def text_features(self):
        """Normalised [2,E]: row 0 normal, row 1 anomalous."""
        pl = self.prompt_learner
        pooled = self.clip.text_model.forward_embeds(pl(), pl.eot_index, list(pl.deep_prompts))
        return F.normalize(self.clip.text_projection(pooled), dim=-1)

    def image_features(self, pixels):
        """(global [N,E], [per feature layer: patch tokens [N,P,E]]), all L2-normalised."""
        vision = self.clip.vision_model
        cls, tokens = vision(pixels, self.dpam, self.feature_layers)
        proj = self.clip.visual_projection
        # The reference projects the global token without ln_post (x_ori[0] @ proj); prompts are
        # trained against exactly that feature, so it is kept.
        glob = F.normalize(proj(cls), dim=-1)
        patches = [F.normalize(proj(vision.post_layernorm(tokens[i][:, 1:])), dim=-1) for i in self.feature_layers]
        return glob, patches

    def forward(self, pixels):
        """Training forward: image logits [N,2] and per-layer softmaxed maps [N,2,H,W]."""
        text = self.text_features()
        glob, patches = self.image_features(pixels)
        grid = int(math.isqrt(patches[0].shape[1]))
        maps = []
        for p in patches:
            sim = (p @ text.t() / TEMPERATURE).softmax(-1)
            sim = sim.transpose(1, 2).reshape(-1, 2, grid, grid)
            maps.append(F.interpolate(sim, size=pixels.shape[-2:], mode="bilinear", align_corners=False))
        return {"logits": glob @ text.t() / TEMPERATURE, "maps": maps}


PIXEL_LOSS_WEIGHT = 4.0  # the reference's lam: focal + dice terms weigh 4x the image loss
ZERO_SHOT_STATES = (
    ("{}", "flawless {}", "perfect {}", "unblemished {}", "{} without flaw", "{} without defect",
     "{} without damage"),
    ("damaged {}", "broken {}", "{} with flaw", "{} with defect", "{} with damage"),
)
ZERO_SHOT_TEMPLATES = ("a photo of a {}.", "a photo of the {}.", "a close-up photo of a {}.",
                       "a cropped photo of the {}.", "a bright photo of a {}.", "a dark photo of the {}.",
                       "a blurry photo of a {}.", "there is a {} in the scene.")


@torch.no_grad()
def zero_shot_text_features(clip, tokenizer, name="object"):
    """Prompt-ensemble text features (state x template, as the reference's zero-shot helper)
    for packages built without trained prompts: row 0 normal, row 1 anomalous."""
    rows = []
    for states in ZERO_SHOT_STATES:
        texts = [t.format(s.format(name)) for s in states for t in ZERO_SHOT_TEMPLATES]
        emb = F.normalize(clip.encode_text(tokenizer.tokenize(texts, clip.config.context_length)), dim=-1)
        rows.append(F.normalize(emb.mean(0), dim=-1))
    return torch.stack(rows)


def focal_loss(probs, target, gamma=2.0, smooth=1e-5):
    """probs [N,2,H,W] (softmaxed), target [N,H,W] in {0,1}; the reference FocalLoss."""
    one_hot = torch.stack([1 - target, target], 1).clamp(smooth, 1.0 - smooth)
    pt = (one_hot * probs).sum(1) + smooth
    return (-(1 - pt) ** gamma * pt.log()).mean()


def dice_loss(pred, target, smooth=1.0):
    """pred, target [N,H,W]; the reference BinaryDiceLoss."""
    inter = (pred * target).flatten(1).sum(1)
    dice = 2 * (inter + smooth) / (pred.flatten(1).sum(1) + target.flatten(1).sum(1) + smooth)
    return 1 - dice.mean()


def anomalyclip_loss(out, labels, masks, mask_valid):
    """Cross-entropy on image logits + focal/dice per layer map on samples that have a mask."""
    loss = F.cross_entropy(out["logits"], labels)
    if mask_valid.any():
        gt = masks[mask_valid]
        for m in out["maps"]:
            m = m[mask_valid]
            pixel = focal_loss(m, gt) + dice_loss(m[:, 1], gt) + dice_loss(m[:, 0], 1 - gt)
            loss = loss + PIXEL_LOSS_WEIGHT * pixel
    return loss
