"""The default engine: the CNTK ResNet18 read into torch, and the PatchCore package it exports."""
import json

import numpy as np
import onnx
import onnx.numpy_helper
import pytest
import torch

from edgeinspector_trainer.cntk_resnet import BGR_MEAN, load_cntk_resnet, network_pixels
from edgeinspector_trainer.errors import ExportError
from edgeinspector_trainer.onnx_numpy import OnnxNumpyRunner
from edgeinspector_trainer.patchcore import (DISTANCE_SCALE, FEATURE_WIDTH, build_models, export_patchcore,
                                             nearest_distance)

SIZE = 64  # smallest input the engine accepts: fast numpy-runner parity


@pytest.fixture(scope="module")
def resnet(resnet18_onnx):
    return load_cntk_resnet(resnet18_onnx)


@pytest.fixture(scope="module")
def package(resnet18_onnx, tmp_path_factory):
    out = tmp_path_factory.mktemp("patchcore")
    export_patchcore(resnet18_onnx, out, image_size=SIZE, log=lambda _: None)
    return out


def _images(n, seed=0, size=SIZE, width=None):
    return np.random.default_rng(seed).integers(0, 256, (n, size, width or size, 3), dtype=np.uint8)


def _identity(model):
    """position_gain, position_bias as exported: no per-position correction."""
    return torch.ones(1, 1, model.height, model.width), torch.zeros(1, 1, model.height, model.width)


def test_replays_the_cntk_graph(resnet, resnet18_onnx):
    """The torch replay (BN folded, CNTK's asymmetric pads) gives the file's own pooled features."""
    x = np.random.default_rng(1).uniform(-120, 130, (1, 3, 224, 224)).astype(np.float32)
    with torch.no_grad():
        last, = resnet(torch.from_numpy(x), (4,))
    reference = next(iter(OnnxNumpyRunner(resnet18_onnx).run({"Input247": x}).values())).reshape(1, -1)
    pooled = last.mean((2, 3)).numpy()
    assert pooled.shape == (1, 512)
    assert np.abs(pooled - reference).max() < 1e-4 * np.abs(reference).max()


def test_stages_have_resnet18_strides_and_widths(resnet):
    with torch.no_grad():
        outs = resnet(torch.zeros(1, 3, 224, 224), (1, 2, 3, 4))
    assert [tuple(o.shape[1:]) for o in outs] == [(64, 56, 56), (128, 28, 28), (256, 14, 14), (512, 7, 7)]


def test_network_pixels_are_bgr_minus_the_imagenet_mean():
    img = torch.tensor([[[[10, 20, 30]]]], dtype=torch.uint8)  # one RGB pixel
    bgr = network_pixels(img, "bgr").flatten().tolist()
    assert bgr == pytest.approx([30 - BGR_MEAN[0], 20 - BGR_MEAN[1], 10 - BGR_MEAN[2]])
    rgb = network_pixels(img, "rgb").flatten().tolist()
    assert rgb == pytest.approx([10 - BGR_MEAN[2], 20 - BGR_MEAN[1], 30 - BGR_MEAN[0]])
    with pytest.raises(ExportError, match="channel order 'hsv'"):
        network_pixels(img, "hsv")


def test_wrong_or_missing_weights_are_refused(tmp_path):
    with pytest.raises(ExportError, match="not found.*Microsoft.ML.DnnImageFeaturizer.ResNet18"):
        load_cntk_resnet(tmp_path / "ResNet18.onnx")
    impostor = tmp_path / "impostor.onnx"
    impostor.write_bytes(b"not the weights")
    with pytest.raises(ExportError, match="SHA-256 .* is not the ResNet18.onnx"):
        load_cntk_resnet(impostor)


def test_nearest_distance_is_the_brute_force_minimum():
    g = torch.Generator().manual_seed(0)
    patches, bank = torch.randn(2, 5, 7, generator=g) * 3, torch.randn(11, 7, generator=g) * 3
    expected = torch.cdist(patches, bank.expand(2, 11, 7)).amin(-1)
    assert torch.allclose(nearest_distance(patches, bank), expected, atol=1e-4)


def test_package_follows_the_contract(package):
    manifest = json.loads((package / "manifest.json").read_text())
    assert manifest["backbone"] == "resnet18-imagenet-cntk"
    assert manifest["input"] == {"width": SIZE, "height": SIZE, "resize": "area"}
    assert manifest["engine"]["channel_order"] == "bgr" and manifest["engine"]["feature_width"] == FEATURE_WIDTH
    assert set(manifest["files"]) == {"model.onnx", "features.onnx"}
    model = onnx.load(str(package / "model.onnx"))
    graph = model.graph
    assert [(i.name, i.type.tensor_type.elem_type) for i in graph.input] == [("image", onnx.TensorProto.UINT8)]
    assert [o.name for o in graph.output] == ["anomaly_map", "score"]
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in graph.initializer}
    assert inits["memory_bank"].shape == (1, FEATURE_WIDTH)
    assert float(inits["distance_scale"]) == DISTANCE_SCALE
    assert (inits["position_gain"] == 1).all() and inits["position_gain"].shape == (1, 1, SIZE, SIZE)
    assert (inits["position_bias"] == 0).all() and inits["position_bias"].shape == (1, 1, SIZE, SIZE)
    ops = {n.op_type for n in graph.node}
    assert "BatchNormalization" not in ops and "TopK" not in ops and "ReduceMin" in ops
    feats = onnx.load(str(package / "features.onnx")).graph
    assert [o.name for o in feats.output] == ["patch_features"]


def test_onnx_matches_torch_with_a_real_bank(package, resnet18_onnx):
    """Swap a bank of real patch features and per-position statistics into model.onnx (as enroll
    does) and run it with the numpy ONNX runner: map and score match the torch model within
    float rounding."""
    feature_model, model = build_models(resnet18_onnx, SIZE)
    goods, tests = _images(2, seed=2), _images(2, seed=3)
    g = torch.Generator().manual_seed(4)
    gain = 0.5 + torch.rand(1, 1, SIZE, SIZE, generator=g)
    bias = torch.randn(1, 1, SIZE, SIZE, generator=g)
    with torch.no_grad():
        bank = feature_model(torch.from_numpy(goods)).reshape(-1, FEATURE_WIDTH)
        amap, score = model(torch.from_numpy(tests), bank, gain, bias, torch.tensor(DISTANCE_SCALE))
    features = OnnxNumpyRunner(package / "features.onnx").run({"image": goods})["patch_features"]
    assert np.abs(features.reshape(-1, FEATURE_WIDTH) - bank.numpy()).max() < 1e-3
    proto = onnx.load(str(package / "model.onnx"))
    swapped = {"memory_bank": bank, "position_gain": gain, "position_bias": bias}
    for t in proto.graph.initializer:
        if t.name in swapped:
            t.CopyFrom(onnx.numpy_helper.from_array(swapped[t.name].numpy(), t.name))
    out = OnnxNumpyRunner(proto).run({"image": tests})
    assert out["anomaly_map"].shape == (2, 1, SIZE, SIZE)
    assert np.abs(out["anomaly_map"] - amap.numpy()).max() < 1e-4
    assert np.abs(out["score"] - score.numpy()).max() < 1e-4
    assert ((out["anomaly_map"] >= 0) & (out["anomaly_map"] < 1)).all()


def test_a_good_image_scores_below_a_damaged_copy(resnet18_onnx):
    """The pretrained features see a defect: a bank of one textured image; its copy with a dark
    scratch scores higher than a shifted copy of itself, and the map peaks on the scratch."""
    feature_model, model = build_models(resnet18_onnx, 128)
    rng = np.random.default_rng(5)
    base = (128 + 30 * np.sin(np.arange(160)[:, None] / 3.0) + rng.normal(0, 6, (160, 160)))
    texture = np.repeat(np.clip(base, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    good, shifted = texture[:128, :128].copy(), texture[4:132, 4:132].copy()
    damaged = good.copy()
    damaged[60:64, 20:100] = 10
    with torch.no_grad():
        bank = feature_model(torch.from_numpy(good[None])).reshape(-1, FEATURE_WIDTH)
        amap, score = model(torch.from_numpy(np.stack([shifted, damaged])), bank, *_identity(model),
                            torch.tensor(DISTANCE_SCALE))
    assert score[1] > score[0] + 0.05
    peak = np.unravel_index(amap[1, 0].numpy().argmax(), (128, 128))
    assert 48 <= peak[0] <= 76 and 16 <= peak[1] <= 104


def test_a_non_square_input_keeps_the_frame_aspect(resnet18_onnx, tmp_path):
    """640x480 frames at native scale: WIDTHxHEIGHT gives an input, map and per-position
    statistics of that shape."""
    export_patchcore(resnet18_onnx, tmp_path, image_size="96x64", log=lambda _: None)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["input"] == {"width": 96, "height": 64, "resize": "area"}
    out = OnnxNumpyRunner(tmp_path / "model.onnx").run({"image": _images(1, seed=6, size=64, width=96)})
    assert out["anomaly_map"].shape == (1, 1, 64, 96)
    inits = {t.name: t for t in onnx.load(str(tmp_path / "model.onnx")).graph.initializer}
    assert list(inits["position_gain"].dims) == [1, 1, 64, 96]


def test_image_size_is_checked(resnet18_onnx, tmp_path):
    with pytest.raises(ExportError, match="image size 200: width and height must be multiples of 16"):
        export_patchcore(resnet18_onnx, tmp_path, image_size=200, log=lambda _: None)
    with pytest.raises(ExportError, match="image size '640x470': width and height must be multiples of 16"):
        export_patchcore(resnet18_onnx, tmp_path, image_size="640x470", log=lambda _: None)
    with pytest.raises(ExportError, match="image size 'big': give one number"):
        export_patchcore(resnet18_onnx, tmp_path, image_size="big", log=lambda _: None)
    with pytest.raises(ExportError, match="resize 'nearest': use area"):
        export_patchcore(resnet18_onnx, tmp_path, resize="nearest", log=lambda _: None)
    with pytest.raises(ExportError, match="--int8 needs calibration images"):
        export_patchcore(resnet18_onnx, tmp_path, int8=True, log=lambda _: None)


def test_graph_macs_counts_conv_and_matmul(tmp_path):
    """A 3x3 conv 3->8 on 10x10 (stride 1, pad 1) and a [100,8]x[8,5] MatMul: 8*100*27 + 100*5*8."""
    from onnx import TensorProto, helper

    from edgeinspector_trainer.export import graph_macs
    w = onnx.numpy_helper.from_array(np.ones((8, 3, 3, 3), np.float32), "w")
    m = onnx.numpy_helper.from_array(np.ones((8, 5), np.float32), "m")
    shape = onnx.numpy_helper.from_array(np.array([1, 8, 100], np.int64), "shape")
    nodes = [helper.make_node("Cast", ["image"], ["f"], to=TensorProto.FLOAT),
             helper.make_node("Transpose", ["f"], ["x"], perm=[0, 3, 1, 2]),
             helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Reshape", ["c", "shape"], ["r"]),
             helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 1]),
             helper.make_node("MatMul", ["t", "m"], ["out"])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("image", TensorProto.UINT8, [1, 10, 10, 3])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)], [w, m, shape])
    path = tmp_path / "tiny.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    assert graph_macs(path) == 8 * 100 * 27 + 100 * 5 * 8
