import json
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from edgeinspector_trainer.clip_model import load_clip
from edgeinspector_trainer.safetensors_io import read_safetensors
from edgeinspector_trainer.tiny_clip import make_tiny_clip

warnings.filterwarnings("ignore", category=UserWarning, module="torch.onnx")


@pytest.fixture(scope="session")
def tiny_clip_dir(tmp_path_factory):
    return make_tiny_clip(tmp_path_factory.mktemp("tiny_clip"), seed=0)


@pytest.fixture()
def tiny_clip(tiny_clip_dir):
    return load_clip(tiny_clip_dir)


def hf_to_openai(sd):
    """Inverse of clip_model.openai_to_hf, to write an OpenAI-style checkpoint for tests."""
    out = {}
    names = {"self_attn.out_proj": "attn.out_proj", "layer_norm1": "ln_1", "layer_norm2": "ln_2",
             "mlp.fc1": "mlp.c_fc", "mlp.fc2": "mlp.c_proj"}
    for tower, prefix in (("vision_model.encoder.layers.", "visual.transformer.resblocks."),
                          ("text_model.encoder.layers.", "transformer.resblocks.")):
        layers = sorted({int(k[len(tower):].split(".")[0]) for k in sd if k.startswith(tower)})
        for i in layers:
            src, dst = f"{tower}{i}.", f"{prefix}{i}."
            for kind in ("weight", "bias"):
                out[f"{dst}attn.in_proj_{kind}"] = torch.cat(
                    [sd[f"{src}self_attn.{p}_proj.{kind}"] for p in "qkv"])
                for hf, oa in names.items():
                    out[f"{dst}{oa}.{kind}"] = sd[f"{src}{hf}.{kind}"]
    simple = {
        "visual.class_embedding": "vision_model.embeddings.class_embedding",
        "visual.positional_embedding": "vision_model.embeddings.position_embedding.weight",
        "visual.conv1.weight": "vision_model.embeddings.patch_embedding.weight",
        "visual.ln_pre.weight": "vision_model.pre_layrnorm.weight", "visual.ln_pre.bias": "vision_model.pre_layrnorm.bias",
        "visual.ln_post.weight": "vision_model.post_layernorm.weight",
        "visual.ln_post.bias": "vision_model.post_layernorm.bias",
        "token_embedding.weight": "text_model.embeddings.token_embedding.weight",
        "positional_embedding": "text_model.embeddings.position_embedding.weight",
        "ln_final.weight": "text_model.final_layer_norm.weight", "ln_final.bias": "text_model.final_layer_norm.bias",
        "logit_scale": "logit_scale",
    }
    out.update({k: sd[v] for k, v in simple.items()})
    out["visual.proj"] = sd["visual_projection.weight"].t().contiguous()
    out["text_projection"] = sd["text_projection.weight"].t().contiguous()
    return out


class _Holder(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


def _module_tree(state):
    root = _Holder()
    for key, value in state.items():
        *path, leaf = key.split(".")
        mod = root
        for part in path:
            if not hasattr(mod, part):
                mod.add_module(part, _Holder())
            mod = getattr(mod, part)
        mod.register_parameter(leaf, nn.Parameter(value.clone(), requires_grad=False))
    return root


@pytest.fixture(scope="session")
def openai_pt(tiny_clip_dir, tmp_path_factory):
    """The tiny weights as an OpenAI-style TorchScript archive (OpenAI key names), plus its vocab."""
    d = tmp_path_factory.mktemp("openai")
    sd = hf_to_openai(read_safetensors(tiny_clip_dir / "model.safetensors"))
    path = d / "ViT-tiny.pt"
    torch.jit.save(torch.jit.script(_module_tree(sd)), str(path))
    for name in ("vocab.json", "merges.txt"):
        (d / name).write_bytes((tiny_clip_dir / name).read_bytes())
    return path


def write_image(path, img):
    import cv2
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), img[..., ::-1] if img.ndim == 3 else img)


@pytest.fixture()
def mvtec_dataset(tmp_path):
    """data/COMP/widget with 4 train goods, 2 test goods, 2 scratches with masks, labels.csv."""
    rng = np.random.default_rng(0)
    root = tmp_path / "data"
    cls = root / "COMP" / "widget"
    for split, n in (("train", 4), ("test", 2)):
        for i in range(n):
            write_image(cls / split / "good" / f"{i:03d}.png", rng.integers(100, 160, (40, 40, 3), dtype=np.uint8))
    for i in range(2):
        img = rng.integers(100, 160, (40, 40, 3), dtype=np.uint8)
        mask = np.zeros((40, 40), np.uint8)
        img[10:14, 5:35] = 0
        mask[10:14, 5:35] = 255
        write_image(cls / "test" / "scratch" / f"{i:03d}.png", img)
        write_image(cls / "ground_truth" / "scratch" / f"{i:03d}_mask.png", mask)
    (cls / "labels.csv").write_text("image_id,label,description\n"
                                    "test/scratch/001.png,error,scratch on the surface\n")
    return root


def read_json(path):
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def resnet18_onnx():
    """NuGet's ImageNet ResNet18.onnx: ./dev.sh test passes the path the build verified; a
    developer's plain pytest finds it in the default NuGet cache after any dotnet build."""
    import os
    from pathlib import Path
    path = Path(os.environ.get("EDGEINSPECTOR_RESNET18_ONNX") or Path.home() / ".nuget/packages/microsoft.ml."
                "dnnimagefeaturizer.resnet18/0.24.0/tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx")
    if not path.is_file():
        pytest.fail(f"{path} missing: restore the pretrained weights with 'dotnet build src/EdgeInspector.Engines' "
                    "(or run ./dev.sh test), or set EDGEINSPECTOR_RESNET18_ONNX")
    return path
