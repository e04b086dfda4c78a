"""A CLIPModel checkpoint in the on-disk form transformers writes, through load, tokenizer, export
and the ONNX graph, against a separately written float64 reference (independent_reference.py).

The checkpoint is NOT written by someone else: no tiny Hugging Face CLIPModel could be obtained
here (tests/trainer/fixtures/README.md says what was searched). It is written by this file, not
by the trainer's make-tiny-clip, and copies what save_pretrained produces and the trainer never
writes itself: hf-internal-testing/tiny-random-CLIPModel's geometry (width 32, 4 heads of 8,
intermediate 37, 5 layers, 30 px images with 2 px patches, projection 64, gelu, a 1000-row
embedding table larger than the tokenizer), the full transformers config with its legacy
eos_token_id 2, the int64 `position_ids` buffers older transformers saved, a safetensors header
with `__metadata__` and tensors in another order, and different layer-norm epsilons per tower.
"""
import json
import shutil
import struct
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from edgeinspector_trainer.anomalyclip import ZERO_SHOT_STATES, ZERO_SHOT_TEMPLATES
from edgeinspector_trainer.cli import main as trainer_cli
from edgeinspector_trainer.clip_model import load_clip
from edgeinspector_trainer.errors import CheckpointError
from edgeinspector_trainer.onnx_numpy import OnnxNumpyRunner
from edgeinspector_trainer.tokenizer import ClipTokenizer

sys.path.insert(0, str(Path(__file__).parent))
from independent_reference import ReferenceClip, read_weights  # noqa: E402

WIDTH, HEADS, MLP, LAYERS, IMAGE, PATCH, PROJ, VOCAB_ROWS = 32, 4, 37, 5, 30, 2, 64, 1000


def _byte_chars():
    """GPT-2/CLIP's byte -> printable character table, written out here on its own."""
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return [table[b] for b in range(256)]


def _vocab():
    """CLIP's layout without merges: 256 bytes, 256 bytes + </w>, <|startoftext|>, <|endoftext|>."""
    chars = _byte_chars()
    tokens = chars + [c + "</w>" for c in chars] + ["<|startoftext|>", "<|endoftext|>"]
    return {t: i for i, t in enumerate(tokens)}


def reference_tokenize(text):
    """Exact CLIP BPE for a vocabulary without merges: every word becomes its characters, the last
    one marked </w>; ASCII prompts only."""
    import re
    vocab = _vocab()
    ids = [vocab["<|startoftext|>"]]
    for word in re.findall(r"[a-z]+|[0-9]|[^\sa-z0-9]+", " ".join(text.lower().split())):
        ids += [vocab[c] for c in word[:-1]] + [vocab[word[-1] + "</w>"]]
    return ids + [vocab["<|endoftext|>"]]


def _hf_state(seed=0):
    """CLIPModel state dict, transformers' key names; weights random but far from identity."""
    g = torch.Generator().manual_seed(seed)

    def rnd(*shape, std=0.1, mean=0.0):
        return torch.randn(*shape, generator=g) * std + mean

    sd = {}
    for tower, n_pos in (("text_model", 77), ("vision_model", (IMAGE // PATCH) ** 2 + 1)):
        for i in range(LAYERS):
            p = f"{tower}.encoder.layers.{i}."
            for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
                sd[p + f"self_attn.{name}.weight"] = rnd(WIDTH, WIDTH, std=0.25)
                sd[p + f"self_attn.{name}.bias"] = rnd(WIDTH, std=0.05)
            sd[p + "mlp.fc1.weight"], sd[p + "mlp.fc1.bias"] = rnd(MLP, WIDTH, std=0.2), rnd(MLP, std=0.05)
            sd[p + "mlp.fc2.weight"], sd[p + "mlp.fc2.bias"] = rnd(WIDTH, MLP, std=0.2), rnd(WIDTH, std=0.05)
            for ln in ("layer_norm1", "layer_norm2"):
                sd[p + f"{ln}.weight"], sd[p + f"{ln}.bias"] = rnd(WIDTH, mean=1.0), rnd(WIDTH, std=0.05)
        sd[f"{tower}.embeddings.position_embedding.weight"] = rnd(n_pos, WIDTH, std=0.3)
        sd[f"{tower}.embeddings.position_ids"] = torch.arange(n_pos).unsqueeze(0)  # transformers < 4.31
    sd["text_model.embeddings.token_embedding.weight"] = rnd(VOCAB_ROWS, WIDTH, std=0.5)
    sd["vision_model.embeddings.class_embedding"] = rnd(WIDTH, std=0.5)
    sd["vision_model.embeddings.patch_embedding.weight"] = rnd(WIDTH, 3, PATCH, PATCH, std=0.3)
    for ln in ("text_model.final_layer_norm", "vision_model.pre_layrnorm", "vision_model.post_layernorm"):
        sd[ln + ".weight"], sd[ln + ".bias"] = rnd(WIDTH, mean=1.0), rnd(WIDTH, std=0.05)
    sd["visual_projection.weight"] = rnd(PROJ, WIDTH, std=0.2)
    sd["text_projection.weight"] = rnd(PROJ, WIDTH, std=0.2)
    sd["logit_scale"] = torch.tensor(2.6592)
    return sd


def _write_safetensors_like_hf(path, sd):
    """The safetensors layout, written here: `__metadata__` first, tensors in reverse name order,
    the header padded with spaces to 8 bytes."""
    names = {torch.float32: "F32", torch.int64: "I64"}
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(sd, reverse=True):
        raw = sd[name].contiguous().numpy().tobytes()
        header[name] = {"dtype": names[sd[name].dtype], "shape": list(sd[name].shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(blob)) + blob + b"".join(chunks))


def _config():
    common = {"attention_dropout": 0.1, "dropout": 0.1, "hidden_act": "gelu", "hidden_size": WIDTH,
              "initializer_factor": 1.0, "initializer_range": 0.02, "intermediate_size": MLP,
              "num_attention_heads": HEADS, "num_hidden_layers": LAYERS, "projection_dim": PROJ,
              "is_decoder": False, "torch_dtype": "float32", "return_dict": True}
    return {
        "_name_or_path": "tiny-hf-style-clip", "architectures": ["CLIPModel"], "initializer_factor": 1.0,
        "logit_scale_init_value": 2.6592, "model_type": "clip", "projection_dim": PROJ,
        "text_config": dict(common, model_type="clip_text_model", vocab_size=VOCAB_ROWS,
                            max_position_embeddings=77, layer_norm_eps=1e-5,
                            bos_token_id=0, eos_token_id=2, pad_token_id=1),
        "text_config_dict": None,
        "vision_config": dict(common, model_type="clip_vision_model", image_size=IMAGE, patch_size=PATCH,
                              num_channels=3, layer_norm_eps=1e-6),
        "vision_config_dict": None,
        "torch_dtype": "float32", "transformers_version": "4.30.2",
    }


@pytest.fixture(scope="session")
def hf_clip_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("hf_style_clip")
    (d / "config.json").write_text(json.dumps(_config(), indent=2))
    _write_safetensors_like_hf(d / "model.safetensors", _hf_state())
    (d / "vocab.json").write_text(json.dumps(_vocab(), ensure_ascii=False))
    (d / "merges.txt").write_text("#version: 0.2\n")
    (d / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 77, "do_lower_case": True,
                                                         "tokenizer_class": "CLIPTokenizer"}))
    (d / "preprocessor_config.json").write_text(json.dumps({"crop_size": IMAGE, "size": IMAGE,
                                                            "image_processor_type": "CLIPImageProcessor"}))
    return d


def test_every_tensor_loads_where_transformers_puts_it(hf_clip_dir):
    model, tok = load_clip(hf_clip_dir)
    cfg = model.config
    assert (cfg.vision_hidden, cfg.vision_heads, cfg.vision_intermediate, cfg.vision_layers) == (32, 4, 37, 5)
    assert (cfg.image_size, cfg.patch_size, cfg.projection_dim, cfg.vocab_size) == (30, 2, 64, 1000)
    assert (cfg.text_act, cfg.vision_act, cfg.context_length) == ("gelu", "gelu", 77)
    # each tower keeps its own epsilon (the text tower used to take the vision one)
    assert model.text_model.final_layer_norm.eps == 1e-5
    assert model.vision_model.post_layernorm.eps == 1e-6
    assert model.text_model.encoder.layers[0].layer_norm1.eps == 1e-5
    weights = read_weights(hf_clip_dir / "model.safetensors")
    ours = model.state_dict()
    used = set(ours)
    assert set(weights) - used == {"text_model.embeddings.position_ids", "vision_model.embeddings.position_ids"}
    for name, value in ours.items():
        assert value.shape == weights[name].shape, name
        assert torch.equal(value.double(), weights[name]), name
    assert (tok.sot_token, tok.eot_token) == (512, 513)


def test_tokenizer_round_trips_the_checkpoint_vocabulary(hf_clip_dir):
    tok = ClipTokenizer.from_dir(hf_clip_dir)
    vocab = json.loads((hf_clip_dir / "vocab.json").read_text())
    checked = 0
    for token, i in vocab.items():
        if not token.endswith("</w>"):
            continue
        text = tok.decode([i])
        if len(text) != 1 or not text.isascii() or not text.isprintable() or text.isspace() or text != text.lower():
            continue  # lone UTF-8 bytes, controls, spaces, capitals: not text on its own
        assert tok.encode(text) == [i], token
        checked += 1
    assert checked == 95 - 1 - 26  # printable ASCII less the space and the capitals
    for prompt in ("a photo of a damaged object.", "a close-up photo of a object without defect."):
        assert tok.tokenize([prompt], 77)[0, :len(reference_tokenize(prompt))].tolist() == reference_tokenize(prompt)
        assert tok.decode(tok.encode(prompt)) == prompt.replace(".", " .").replace("-", " - ").replace("  ", " ")


def test_tokenizer_json_alone_gives_the_same_ids(hf_clip_dir, tmp_path):
    d = tmp_path / "fast"
    vocab = json.loads((hf_clip_dir / "vocab.json").read_text())
    fast = {"version": "1.0", "added_tokens": [], "model": {"type": "BPE", "vocab": vocab, "merges": [],
                                                              "end_of_word_suffix": "</w>"}}
    d.mkdir()
    (d / "tokenizer.json").write_text(json.dumps(fast))
    a, b = ClipTokenizer.from_dir(hf_clip_dir), ClipTokenizer.from_dir(d)
    prompt = "a cropped photo of the flawless object."
    assert b.encode(prompt) == a.encode(prompt)
    # newer tokenizers write merges as pairs, older as "a b" strings: both parse
    for merges in (["o b"], [["o", "b"]]):
        fast["model"]["merges"] = merges
        (d / "tokenizer.json").write_text(json.dumps(fast))
        assert ClipTokenizer.from_dir(d).bpe_ranks == {("o", "b"): 0}


def test_pytorch_model_bin_loads_like_safetensors(hf_clip_dir, tmp_path):
    d = tmp_path / "bin"
    shutil.copytree(hf_clip_dir, d)
    (d / "model.safetensors").unlink()
    torch.save(_hf_state(), d / "pytorch_model.bin")
    a, _ = load_clip(hf_clip_dir)
    b, _ = load_clip(d)
    x = torch.randn(2, 3, IMAGE, IMAGE)
    assert torch.equal(a.encode_image(x), b.encode_image(x))
    (d / "pytorch_model.bin").write_bytes(b"garbage")
    with pytest.raises(CheckpointError, match="pytorch_model.bin: not a PyTorch state dict"):
        load_clip(d)


def test_a_tensor_the_model_does_not_use_is_an_error(hf_clip_dir, tmp_path):
    d = tmp_path / "extra"
    shutil.copytree(hf_clip_dir, d)
    sd = _hf_state()
    sd["classifier.weight"] = torch.zeros(2, WIDTH)
    _write_safetensors_like_hf(d / "model.safetensors", sd)
    with pytest.raises(CheckpointError, match=r"1 tensors this CLIP does not use \(e.g. \['classifier.weight'\]\)"):
        load_clip(d)
    sd = _hf_state()
    sd["vision_model.embeddings.position_ids"] = torch.arange(226).flip(0).unsqueeze(0)  # not 0..n-1
    _write_safetensors_like_hf(d / "model.safetensors", sd)
    with pytest.raises(CheckpointError, match="position_ids"):
        load_clip(d)


def test_text_tower_matches_the_independent_reference(hf_clip_dir):
    model, tok = load_clip(hf_clip_dir)
    ref = ReferenceClip(hf_clip_dir)
    prompts = ["a photo of a object.", "there is a damaged object in the scene.", "x x x x object."]
    with torch.no_grad():
        ours = model.encode_text(tok.tokenize(prompts, model.config.context_length)).double()
    theirs = torch.stack([ref.encode_text(reference_tokenize(p), 513) for p in prompts])
    assert (ours - theirs).abs().max().item() < 1e-5


def _inspection_images():
    rng = np.random.default_rng(3)
    noise = rng.integers(0, 256, (IMAGE, IMAGE, 3), dtype=np.uint8)
    yy, xx = np.mgrid[0:IMAGE, 0:IMAGE]
    smooth = np.stack([90 + 2 * xx, 100 + yy, 120 + xx + yy], -1).astype(np.uint8)
    scratch = smooth.copy()
    scratch[12:15, 4:26] = 10
    return np.stack([noise, smooth, scratch])


@pytest.mark.parametrize("text_weight", [None, "0"])
def test_exported_package_matches_the_independent_reference(hf_clip_dir, tmp_path, capsys, text_weight):
    """The done-when of issue #3 as far as it can be met here: export through the CLI, run the
    package's ONNX graph (numpy runtime), compare with the float64 reference within 1e-4; for the
    default fusion (text weight 0.5) and the memory-only one the demo package uses (0)."""
    good = tmp_path / "good"
    good.mkdir()
    import cv2
    rng = np.random.default_rng(5)
    for i in range(3):
        cv2.imwrite(str(good / f"{i}.png"), rng.integers(90, 160, (IMAGE, IMAGE, 3), dtype=np.uint8))
    pkg = tmp_path / "pkg"
    weight_args = ["--text-weight", text_weight] if text_weight else []
    assert trainer_cli(["export", "--clip", str(hf_clip_dir), "--out", str(pkg), "--good", str(good)]
                       + weight_args) == 0
    capsys.readouterr()
    manifest = json.loads((pkg / "manifest.json").read_text())
    dpam = int(manifest["description"].split("DPAM ")[1].split(",")[0].split(")")[0])
    assert dpam == LAYERS * 5 // 6  # the README's default: ViT-B's 10 of 12 layers, scaled

    import onnx
    import onnx.numpy_helper
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(str(pkg / "model.onnx")).graph.initializer}
    ref = ReferenceClip(hf_clip_dir)
    groups = [[t.format(s.format("object")) for s in states for t in ZERO_SHOT_TEMPLATES] for states in ZERO_SHOT_STATES]
    text = ref.ensemble_text_features(groups, reference_tokenize, 513).numpy()
    text_diff = np.abs(inits["text_features"] - text).max()
    assert text_diff < 1e-5

    images = _inspection_images()
    got = OnnxNumpyRunner(pkg / "model.onnx").run({"image": images})
    assert float(inits["text_weight"]) == float(text_weight or 0.5)
    want_map, want_score = ref.inspect(images, text, dpam, inits["memory_bank"], float(inits["text_weight"]))
    map_diff = np.abs(got["anomaly_map"] - want_map).max()
    score_diff = np.abs(got["score"] - want_score).max()
    with capsys.disabled():
        print(f"\n[independent reference] text_features {text_diff:.2e}, anomaly_map {map_diff:.2e}, "
              f"score {score_diff:.2e} (max |ONNX fp32 - float64 reference|)")
    assert got["anomaly_map"].shape == (3, 1, IMAGE, IMAGE)
    assert map_diff <= 1e-4 and score_diff <= 1e-4
    assert want_map[2].max() > want_map[1].max() - 0.5  # not a degenerate all-equal map
    assert np.ptp(want_map) > 1e-3
