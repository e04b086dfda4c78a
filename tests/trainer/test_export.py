import hashlib
import json

import numpy as np
import onnx
import pytest
import torch
import torch.nn.functional as F

from edgeinspector_trainer.anomalyclip import TEMPERATURE, AnomalyCLIP, normalize_images
from edgeinspector_trainer.export import (InspectionModel, PatchFeatureModel, calibrate_decision,
                                         export_features_onnx, export_onnx)
from edgeinspector_trainer.memory_bank import patch_embeddings
from edgeinspector_trainer.onnx_numpy import OnnxNumpyRunner
from edgeinspector_trainer.package import export_package
from edgeinspector_trainer.quantize import head_tensors, input_layer_nodes, quantize_qdq


@pytest.fixture()
def exported(tiny_clip, tmp_path):
    torch.manual_seed(0)
    model = InspectionModel(AnomalyCLIP(*tiny_clip)).eval()
    with torch.no_grad():
        text = model.net.text_features()
    bank = F.normalize(torch.randn(24, 64), dim=-1)
    path = tmp_path / "model.onnx"
    export_onnx(model, path, text, bank)
    return model, text, bank, path


def _images(n, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)


def _dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def test_contract_io(exported):
    _, text, bank, path = exported
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto)
    assert proto.opset_import[0].version == 17
    (inp,) = proto.graph.input
    assert inp.name == "image" and inp.type.tensor_type.elem_type == onnx.TensorProto.UINT8
    assert _dims(inp) == ["N", 32, 32, 3]
    outs = {o.name: o for o in proto.graph.output}
    assert set(outs) == {"anomaly_map", "score"}
    assert _dims(outs["anomaly_map"]) == ["N", 1, 32, 32] and _dims(outs["score"]) == ["N"]
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in proto.graph.initializer}
    np.testing.assert_array_equal(inits["text_features"], text.numpy())
    assert inits["text_features"].shape == (2, 64) and inits["memory_bank"].shape == (24, 64)


def test_numpy_runtime_parity_with_pytorch(exported):
    model, text, bank, path = exported
    images = _images(3)
    with torch.no_grad():
        amap, score = model(torch.from_numpy(images), text, bank)
    out = OnnxNumpyRunner(path).run({"image": images})
    assert out["anomaly_map"].dtype == np.float32 and out["anomaly_map"].shape == (3, 1, 32, 32)
    assert np.abs(out["anomaly_map"] - amap.numpy()).max() <= 1e-4
    assert np.abs(out["score"] - score.numpy()).max() <= 1e-4
    assert 0 <= out["anomaly_map"].min() and out["anomaly_map"].max() <= 1
    assert ((0 <= out["score"]) & (out["score"] <= 1)).all()


def test_reference_evaluator_parity(exported):
    reference = pytest.importorskip("onnx.reference", reason="onnx.reference.ReferenceEvaluator needs onnx >= 1.13")
    model, text, bank, path = exported
    images = _images(2, seed=1)
    with torch.no_grad():
        amap, score = model(torch.from_numpy(images), text, bank)
    got_map, got_score = reference.ReferenceEvaluator(str(path)).run(None, {"image": images})
    assert np.abs(got_map - amap.numpy()).max() <= 1e-4
    assert np.abs(got_score - score.numpy()).max() <= 1e-4


def test_int8_qdq_model(exported, tmp_path):
    _, _, _, path = exported
    q_path = tmp_path / "model.int8.onnx"
    quantize_qdq(path, q_path, list(_images(4, seed=2)))
    proto = onnx.load(str(q_path))
    onnx.checker.check_model(proto)
    ops = [n.op_type for n in proto.graph.node]
    assert ops.count("QuantizeLinear") > 10 and ops.count("DequantizeLinear") > ops.count("QuantizeLinear")
    inits = {t.name: t for t in proto.graph.initializer}
    assert inits["text_features"].data_type == onnx.TensorProto.FLOAT  # the head stays float
    head = head_tensors(proto.graph)
    first = input_layer_nodes(proto.graph)
    assert len(first) == 1 and "patch_embedding" in next(iter(first))  # the pixels' conv stays float
    for node in proto.graph.node:
        if (node.op_type in ("MatMul", "Gemm", "Conv") and not any(o in head for o in node.output)
                and node.name not in first):
            for name in node.input:  # backbone weights reach their op only through DequantizeLinear
                assert name not in inits or inits[name].data_type != onnx.TensorProto.FLOAT, (node.name, name)
    assert any(t.data_type == onnx.TensorProto.INT8 and len(t.dims) == 2 for t in inits.values())
    # weights: one scale per output channel (axis); activations: one scale per tensor (TensorRT's form)
    dq = [n for n in proto.graph.node if n.op_type == "DequantizeLinear" and n.input[0] in inits]
    assert dq and all(len(inits[n.input[1]].dims) == 1 and any(a.name == "axis" for a in n.attribute) for n in dq)
    assert all(len(inits[n.input[1]].dims) == 0 for n in proto.graph.node if n.op_type == "QuantizeLinear")
    # attention's activation x activation MatMuls stay float
    for node in proto.graph.node:
        if node.op_type == "MatMul" and not any(o in head for o in node.output):
            assert node.input[1] not in inits  # weights are dequantized tensors now
            assert node.input[1].endswith("_dequantized") == node.input[0].endswith("_dequantized")
    images = _images(2, seed=3)
    fp32 = OnnxNumpyRunner(path).run({"image": images})
    int8 = OnnxNumpyRunner(proto).run({"image": images})
    assert np.abs(int8["anomaly_map"] - fp32["anomaly_map"]).max() < 0.05


@pytest.mark.parametrize("calibration", ["max", "percentile", "mse"])
def test_int8_maps_correlate_with_fp32(exported, tmp_path, calibration):
    """The INT8 model's maps follow the FP32 ones (the map, not just its range, decides defects):
    per image Pearson correlation of the anomaly maps, and scores, on unseen images."""
    _, _, _, path = exported
    q_path = tmp_path / "model.int8.onnx"
    quantize_qdq(path, q_path, list(_images(8, seed=2)), calibration=calibration)
    images = _images(4, seed=4)
    fp32 = OnnxNumpyRunner(path).run({"image": images})
    int8 = OnnxNumpyRunner(onnx.load(str(q_path))).run({"image": images})
    for a, b in zip(fp32["anomaly_map"], int8["anomaly_map"]):
        assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.999
    assert np.abs(int8["score"] - fp32["score"]).max() < 0.01


def test_int8_keeps_the_faint_defect_signal(exported, tmp_path):
    """What a defect adds to the map (map of a part with a faint line minus the clean part's) stays
    correlated with FP32's: > 0.998 per image with the default export (float patch embedding,
    per-channel weights); quantizing the pixels' conv per-tensor gave 0.995 here and cost 0.14
    image AUROC on the 224 px demo benchmark."""
    _, _, _, path = exported
    rng = np.random.default_rng(5)
    clean = np.clip(120 + rng.normal(0, 3, (4, 32, 32, 3)), 0, 255)
    faint = clean.copy()
    faint[:, 10:12, 4:28, :] += 8
    images = np.concatenate([clean, faint]).astype(np.uint8)
    q_path = tmp_path / "model.int8.onnx"
    quantize_qdq(path, q_path, list(clean.astype(np.uint8)))
    fp32 = OnnxNumpyRunner(path).run({"image": images})["anomaly_map"]
    int8 = OnnxNumpyRunner(onnx.load(str(q_path))).run({"image": images})["anomaly_map"]
    for a, b in zip(fp32[4:] - fp32[:4], int8[4:] - int8[:4]):
        assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.998


def test_package_manifest(tiny_clip_dir, mvtec_dataset, tmp_path):
    pkg = tmp_path / "pkg"
    good = mvtec_dataset / "COMP" / "widget" / "train" / "good"
    export_package(tiny_clip_dir, pkg, good=good, val=mvtec_dataset, int8=True, name="demo-parts", version=3,
                   log=lambda m: None)
    manifest = json.loads((pkg / "manifest.json").read_text())
    assert manifest["format"] == 1 and manifest["name"] == "demo-parts" and manifest["version"] == 3
    assert manifest["input"] == {"width": 32, "height": 32, "resize": "bilinear"}
    assert manifest["backbone"] == "clip-vit-w128-p8-32"
    assert set(manifest["decision"]) == {"image_threshold", "pixel_threshold", "score_scale", "min_region_area_px"}
    assert manifest["decision"]["score_scale"] > 0
    assert {"image_auroc", "f1_max"} <= set(manifest["metrics"])
    assert set(manifest["files"]) == {"model.onnx", "model.int8.onnx", "features.onnx"}
    assert manifest["models"] == {"fp32": "model.onnx", "int8": "model.int8.onnx"}
    for name, info in manifest["files"].items():
        data = (pkg / name).read_bytes()
        assert info == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    inits = {t.name for t in onnx.load(str(pkg / "model.onnx")).graph.initializer}
    assert {"text_features", "memory_bank"} <= inits


def test_decision_defaults_and_good_only_calibration():
    decision, metrics = calibrate_decision()
    assert decision == {"image_threshold": 0.5, "pixel_threshold": 0.5, "score_scale": 0.05,
                        "min_region_area_px": 16} and metrics == {}
    scores = np.array([0.30, 0.32, 0.31, 0.29])
    decision, _ = calibrate_decision(scores, [np.full((1, 4, 4), 0.2)])
    assert decision["image_threshold"] > scores.max()
    assert decision["pixel_threshold"] == pytest.approx(0.2, abs=1e-5)
    median = np.median(scores)
    normalised = 1 / (1 + np.exp(-(median - decision["image_threshold"]) / decision["score_scale"]))
    assert normalised == pytest.approx(0.1)


def test_gelu_geometry_exports_with_parity(tiny_clip_dir, tmp_path):
    import shutil

    from edgeinspector_trainer.clip_model import load_clip

    d = tmp_path / "gelu"
    shutil.copytree(tiny_clip_dir, d)
    cfg = json.loads((d / "config.json").read_text())
    cfg["vision_config"]["hidden_act"] = cfg["text_config"]["hidden_act"] = "gelu"
    (d / "config.json").write_text(json.dumps(cfg))
    torch.manual_seed(0)
    model = InspectionModel(AnomalyCLIP(*load_clip(d), dpam=2)).eval()
    with torch.no_grad():
        text = model.net.text_features()
        images = _images(2, seed=4)
        amap, score = model(torch.from_numpy(images), text)
    export_onnx(model, tmp_path / "m.onnx", text)
    proto = onnx.load(str(tmp_path / "m.onnx"))
    assert "Erf" in {n.op_type for n in proto.graph.node}
    assert "memory_bank" not in {t.name for t in proto.graph.initializer}
    out = OnnxNumpyRunner(proto).run({"image": images})
    assert np.abs(out["anomaly_map"] - amap.numpy()).max() <= 1e-4
    assert np.abs(out["score"] - score.numpy()).max() <= 1e-4


def test_memory_bank_rows_are_symbolic_so_enroll_can_resize_it(exported, tmp_path):
    _, text, _, path = exported
    proto = onnx.load(str(path))
    for vi in list(proto.graph.value_info) + list(proto.graph.output):
        assert 24 not in [d.dim_value for d in vi.type.tensor_type.shape.dim], vi.name
    # A bank of another size in the same graph runs (what edge-inspector enroll writes).
    bank = F.normalize(torch.randn(7, 64), dim=-1)
    inits = proto.graph.initializer
    old = next(t for t in inits if t.name == "memory_bank")
    inits.remove(old)
    inits.append(onnx.numpy_helper.from_array(bank.numpy(), "memory_bank"))
    images = _images(2, seed=5)
    model = exported[0]
    with torch.no_grad():
        amap, score = model(torch.from_numpy(images), text, bank)
    out = OnnxNumpyRunner(proto).run({"image": images})
    assert np.abs(out["anomaly_map"] - amap.numpy()).max() <= 1e-4
    assert np.abs(out["score"] - score.numpy()).max() <= 1e-4


def test_features_onnx_gives_the_bank_embeddings(tiny_clip, tmp_path):
    torch.manual_seed(0)
    net = AnomalyCLIP(*tiny_clip).eval()
    path = tmp_path / "features.onnx"
    proto = export_features_onnx(net, path)
    (inp,) = proto.graph.input
    assert inp.name == "image" and inp.type.tensor_type.elem_type == onnx.TensorProto.UINT8
    assert _dims(inp) == ["N", 32, 32, 3]
    assert [o.name for o in proto.graph.output] == ["patch_features"]
    images = _images(2, seed=6)
    with torch.no_grad():
        expected = PatchFeatureModel(net)(torch.from_numpy(images)).numpy()
        from edgeinspector_trainer.anomalyclip import normalize_images
        direct = patch_embeddings(net.image_features(normalize_images(torch.from_numpy(images)))[1]).numpy()
    np.testing.assert_allclose(expected, direct)
    got = OnnxNumpyRunner(path).run({"image": images})["patch_features"]
    assert got.shape == (2, 16, 64)
    assert np.abs(got - expected).max() <= 1e-4
    np.testing.assert_allclose(np.linalg.norm(got, axis=-1), 1.0, atol=1e-5)


def test_enrollable_export_carries_a_placeholder_bank(tiny_clip_dir, tmp_path):
    pkg = tmp_path / "pkg"
    manifest = export_package(tiny_clip_dir, pkg, enrollable=True, log=lambda m: None)
    assert set(manifest["files"]) == {"model.onnx", "features.onnx"}
    assert "placeholder memory bank" in manifest["description"]
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(str(pkg / "model.onnx")).graph.initializer}
    np.testing.assert_array_equal(inits["memory_bank"], np.zeros((1, 64), np.float32))


def test_reference_command_writes_raw_maps_and_scores(tiny_clip_dir, tmp_path):
    from edgeinspector_trainer.cli import main
    from edgeinspector_trainer.package import reference_outputs

    pkg = tmp_path / "pkg"
    export_package(tiny_clip_dir, pkg, enrollable=True, log=lambda m: None)
    images = _images(2, seed=7)
    raw = tmp_path / "in.u8"
    images.tofile(raw)
    out = tmp_path / "ref.f32"
    assert main(["reference", "--clip", str(tiny_clip_dir), "--package", str(pkg), "--images", str(raw),
                 "--size", "32", "--out", str(out)]) == 0
    maps = np.fromfile(out, "<f4").reshape(2, 1, 32, 32)
    scores = np.fromfile(str(out) + ".score", "<f4")
    amap, score = reference_outputs(tiny_clip_dir, pkg, images)
    np.testing.assert_array_equal(maps, amap)
    np.testing.assert_array_equal(scores, score)
    onnx_out = OnnxNumpyRunner(pkg / "model.onnx").run({"image": images})
    assert np.abs(onnx_out["anomaly_map"] - maps).max() <= 1e-4
    raw.write_bytes(b"\0" * 5)
    assert main(["reference", "--clip", str(tiny_clip_dir), "--package", str(pkg), "--images", str(raw),
                 "--size", "32", "--out", str(out)]) == 2


def test_text_weight_is_an_initializer_and_defaults_to_the_average(exported):
    """Default fusion (AnomalyCLIP / WinCLIP+): map = (text + memory) / 2, score = (global prob +
    map max) / 2, exactly as before text_weight existed; the weight is the `text_weight` initializer."""
    model, text, bank, path = exported
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer}
    assert inits["text_weight"].shape == () and float(inits["text_weight"]) == 0.5
    images = torch.from_numpy(_images(2, seed=6))
    with torch.no_grad():
        amap, score = model(images, text, bank)
        glob, _ = model.net.image_features(normalize_images(images))
        amap_w, score_w = model(images, text, bank, torch.tensor(0.5))  # the weight spelled out
    prob = (glob @ text.t() / TEMPERATURE).softmax(-1)[:, 1]
    assert torch.allclose(score, (prob + amap.flatten(1).amax(1)) / 2, atol=1e-6)
    assert torch.allclose(amap, amap_w) and torch.allclose(score, score_w)


def test_memory_only_fusion_ignores_the_text_prompts(tiny_clip, tmp_path):
    """text_weight 0 (PatchCore): the map is the smoothed memory distance and the score its maximum;
    text features (meaningless on a random-weight CLIP) change nothing, in PyTorch and in ONNX."""
    torch.manual_seed(0)
    model = InspectionModel(AnomalyCLIP(*tiny_clip), text_weight=0.0).eval()
    with torch.no_grad():
        text = model.net.text_features()
    bank = F.normalize(torch.randn(24, 64), dim=-1)
    images = torch.from_numpy(_images(3, seed=7))
    with torch.no_grad():
        amap, score = model(images, text, bank)
        amap2, score2 = model(images, text.flip(0), bank)  # swapped prompts: no effect
        half = InspectionModel(model.net, text_weight=0.5).eval()(images, text, bank)
    assert torch.equal(amap, amap2) and torch.equal(score, score2)
    assert torch.allclose(score, amap.flatten(1).amax(1))
    assert not torch.allclose(amap, half[0])
    path = tmp_path / "model.onnx"
    export_onnx(model, path, text, bank)
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(str(path)).graph.initializer}
    assert float(inits["text_weight"]) == 0.0
    out = OnnxNumpyRunner(path).run({"image": images.numpy()})
    assert np.abs(out["anomaly_map"] - amap.numpy()).max() <= 1e-4
    assert np.abs(out["score"] - score.numpy()).max() <= 1e-4
    q_path = tmp_path / "model.int8.onnx"
    quantize_qdq(path, q_path, list(_images(4, seed=2)))
    q_inits = {t.name: t for t in onnx.load(str(q_path)).graph.initializer}
    assert q_inits["text_weight"].data_type == onnx.TensorProto.FLOAT  # part of the float head
    assert "text_weight" in head_tensors(onnx.load(str(q_path)).graph)


def test_text_weight_outside_zero_one_is_refused(tiny_clip_dir, tmp_path, capsys):
    from edgeinspector_trainer.cli import main
    assert main(["export", "--clip", str(tiny_clip_dir), "--out", str(tmp_path / "p"), "--enrollable",
                 "--text-weight", "1.5"]) == 2
    assert "text weight 1.5 is outside [0, 1]" in capsys.readouterr().err


def test_reference_command_reads_the_text_weight(tiny_clip_dir, tmp_path):
    """`reference` takes the fusion from the package's model.onnx, so parity checks of a
    memory-only package compare like with like."""
    from edgeinspector_trainer.cli import main
    from edgeinspector_trainer.package import reference_outputs
    import cv2
    good = tmp_path / "good"
    good.mkdir()
    for i, img in enumerate(_images(3, seed=8)):
        cv2.imwrite(str(good / f"{i}.png"), img)
    pkg = tmp_path / "pkg"
    assert main(["export", "--clip", str(tiny_clip_dir), "--out", str(pkg), "--good", str(good),
                 "--text-weight", "0"]) == 0
    assert "text weight 0" in json.loads((pkg / "manifest.json").read_text())["description"]
    images = _images(2, seed=9)
    amap, score = reference_outputs(str(tiny_clip_dir), str(pkg), images)
    out = OnnxNumpyRunner(pkg / "model.onnx").run({"image": images})
    assert np.abs(out["anomaly_map"] - amap).max() <= 1e-4 and np.abs(out["score"] - score).max() <= 1e-4
    np.testing.assert_allclose(score, amap.reshape(2, -1).max(1), atol=1e-6)
