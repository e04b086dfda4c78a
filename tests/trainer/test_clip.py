import json
import shutil

import pytest
import torch

from edgeinspector_trainer.clip_model import ClipConfig, load_clip
from edgeinspector_trainer.errors import CheckpointError
from edgeinspector_trainer.safetensors_io import read_safetensors, write_safetensors


def test_hf_checkpoint_loads_with_config_geometry(tiny_clip_dir, tiny_clip):
    model, tok = tiny_clip
    cfg = model.config
    raw = json.loads((tiny_clip_dir / "config.json").read_text())
    assert cfg.vision_hidden == raw["vision_config"]["hidden_size"]
    assert cfg.patch_size == 8 and cfg.image_size == 32 and cfg.projection_dim == 64
    weights = read_safetensors(tiny_clip_dir / "model.safetensors")
    q = weights["vision_model.encoder.layers.1.self_attn.q_proj.weight"]
    assert torch.equal(model.vision_model.encoder.layers[1].self_attn.q_proj.weight, q)
    assert all(not p.requires_grad for p in model.parameters())
    assert model.encode_image(torch.randn(2, 3, 32, 32)).shape == (2, 64)
    assert model.encode_text(tok.tokenize(["a photo of the object."])).shape == (1, 64)


def test_openai_torchscript_matches_hf(tiny_clip, openai_pt):
    hf, tok = tiny_clip
    oa, _ = load_clip(openai_pt)
    assert oa.config == hf.config
    x = torch.randn(2, 3, 32, 32)
    ids = tok.tokenize(["damaged object.", "good object."])
    torch.testing.assert_close(oa.encode_image(x), hf.encode_image(x))
    torch.testing.assert_close(oa.encode_text(ids), hf.encode_text(ids))


def test_half_precision_weights_load(tiny_clip_dir, tmp_path):
    d = tmp_path / "half"
    shutil.copytree(tiny_clip_dir, d)
    sd = read_safetensors(d / "model.safetensors")
    write_safetensors(d / "model.safetensors", {k: v.bfloat16() for k, v in sd.items()})
    model, _ = load_clip(d)
    assert model.logit_scale.dtype == torch.float32


def test_position_embedding_interpolation(tiny_clip_dir):
    model, _ = load_clip(tiny_clip_dir, image_size=48)
    assert model.config.image_size == 48
    assert model.vision_model.embeddings.position_embedding.weight.shape == (37, 128)
    assert model.encode_image(torch.randn(1, 3, 48, 48)).shape == (1, 64)
    with pytest.raises(CheckpointError, match="multiple of the patch size"):
        load_clip(tiny_clip_dir, image_size=50)


def test_shape_mismatch_names_weight(tiny_clip_dir, tmp_path):
    d = tmp_path / "bad"
    shutil.copytree(tiny_clip_dir, d)
    cfg = json.loads((d / "config.json").read_text())
    cfg["vision_config"]["intermediate_size"] = 512
    (d / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="mlp.fc1.weight has shape"):
        load_clip(d)


def test_unknown_geometry_and_missing_files(tiny_clip_dir, tmp_path):
    d = tmp_path / "geo"
    shutil.copytree(tiny_clip_dir, d)
    cfg = json.loads((d / "config.json").read_text())
    cfg["vision_config"]["num_attention_heads"] = 3
    (d / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="not divisible by 3 attention heads"):
        load_clip(d)
    (d / "config.json").unlink()
    with pytest.raises(CheckpointError, match="config.json: file not found"):
        load_clip(d)
    shutil.copy(tiny_clip_dir / "config.json", d / "config.json")
    (d / "model.safetensors").unlink()
    with pytest.raises(CheckpointError, match="model.safetensors: file not found"):
        load_clip(d)
    bad_pt = tmp_path / "x.pt"
    bad_pt.write_bytes(b"not a zip")
    with pytest.raises(CheckpointError, match="not a TorchScript archive"):
        load_clip(bad_pt)


def test_hf_config_defaults_fill_missing_keys(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "clip", "projection_dim": 512}))
    cfg = ClipConfig.from_hf_json(tmp_path / "config.json")
    assert (cfg.vision_hidden, cfg.patch_size, cfg.image_size, cfg.text_hidden) == (768, 32, 224, 512)
