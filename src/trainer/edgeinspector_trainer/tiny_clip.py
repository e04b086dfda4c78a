"""A tiny random-weight CLIP checkpoint in Hugging Face format, for demos and tests.

Its weights are random: it exercises every code path (loading, prompts, DPAM, export,
quantization) in seconds, but detects nothing. Real packages start from pretrained CLIP.
"""
import json
from pathlib import Path

import torch

from .clip_model import ClipConfig, ClipModel
from .safetensors_io import write_safetensors
from .tokenizer import EOT, SOT, bytes_to_unicode

TINY_WORDS = ("object", "damaged", "photo", "of", "a", "the", "scratch", "crack", "contamination", "good")


def tiny_vocab(words=TINY_WORDS):
    """(vocab dict, merges) laid out like CLIP's: bytes, bytes+</w>, merges, SOT, EOT.

    Each word gets left-to-right merges so it becomes a single token."""
    merges = []
    for word in words:
        symbols = list(word[:-1]) + [word[-1] + "</w>"]
        while len(symbols) > 1:
            pair = (symbols[0], symbols[1])
            if pair not in merges:
                merges.append(pair)
            symbols = [symbols[0] + symbols[1]] + symbols[2:]
    base = list(bytes_to_unicode().values())
    tokens = base + [b + "</w>" for b in base]
    for m in merges:
        if "".join(m) not in tokens:
            tokens.append("".join(m))
    tokens += [SOT, EOT]
    return {t: i for i, t in enumerate(tokens)}, merges


def tiny_config(vocab_size):
    # 64-wide heads like every OpenAI CLIP, so the same weights also load as an OpenAI .pt.
    return ClipConfig(text_hidden=128, text_layers=4, text_heads=2, text_intermediate=256, text_act="quick_gelu",
                      context_length=77, vocab_size=vocab_size, vision_hidden=128, vision_layers=4, vision_heads=2,
                      vision_intermediate=256, vision_act="quick_gelu", image_size=32, patch_size=8,
                      projection_dim=64)


def make_tiny_clip(out_dir, seed=0):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vocab, merges = tiny_vocab()
    cfg = tiny_config(len(vocab))
    torch.manual_seed(seed)
    model = ClipModel(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" not in name and name != "logit_scale":
                p.normal_(0.0, 0.02 if p.dim() > 1 else 0.01)
    (out / "config.json").write_text(json.dumps(cfg.to_hf_json(), indent=2) + "\n")
    write_safetensors(out / "model.safetensors", model.state_dict(), {"format": "pt"})
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    (out / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges), encoding="utf-8")
    return out
