"""INT8 QDQ quantization of the exported graph, done with the onnx helper API.

Per-tensor symmetric int8 (zero point 0): weights of MatMul/Gemm/Conv are stored as int8
initializers behind DequantizeLinear; their activation inputs get QuantizeLinear ->
DequantizeLinear with scales calibrated on good images. TensorRT and ORT fuse these pairs
into int8 kernels. The head (everything that depends on `text_features` / `memory_bank`:
similarity, fusion, smoothing) stays float: it is cheap and the map values need the range.
"""
import numpy as np
import onnx
import onnx.numpy_helper
from onnx import helper

from .errors import ExportError
from .onnx_numpy import OnnxNumpyRunner

QUANTIZED_OPS = {"MatMul": (0, 1), "Gemm": (0, 1), "Conv": (0, 1)}  # which inputs get Q/DQ
FLOAT_HEAD = ("text_features", "memory_bank")


def fold_weight_identities(graph):
    """The exporter feeds a weight used twice (DPAM's out_proj) through Identity nodes; point the
    consumers at the initializer so the weight is stored as int8 rather than quantized at run time."""
    inits = {t.name for t in graph.initializer}
    outputs = {o.name for o in graph.output}
    alias = {n.output[0]: n.input[0] for n in graph.node
             if n.op_type == "Identity" and n.input[0] in inits and n.output[0] not in outputs}
    kept = [n for n in graph.node if not (n.op_type == "Identity" and n.output[0] in alias)]
    for node in kept:
        for i, name in enumerate(node.input):
            if name in alias:
                node.input[i] = alias[name]
    del graph.node[:]
    graph.node.extend(kept)


def head_tensors(graph, roots=FLOAT_HEAD):
    """Names of every tensor computed from the roots (the float head of the graph)."""
    tainted = set(roots)
    for node in graph.node:
        if any(i in tainted for i in node.input):
            tainted.update(node.output)
    return tainted


def quantization_targets(graph):
    head = head_tensors(graph)
    return [n for n in graph.node if n.op_type in QUANTIZED_OPS and not any(o in head for o in n.output)]


def calibrate(model, images, tensor_names):
    """Max |x| of each named tensor over the calibration images (one image at a time)."""
    runner, names, amax = OnnxNumpyRunner(model), set(tensor_names), {}

    def observe(name, value):
        if name in names:
            amax[name] = max(amax.get(name, 0.0), float(np.abs(value).max()))

    for img in images:
        runner.run({"image": img[None]}, observe)
    return amax


def _scale(amax):
    return np.float32(amax / 127.0 if amax > 0 else 1.0)


def quantize_qdq(fp32_path, out_path, calibration_images):
    """Write an INT8 QDQ copy of fp32_path; calibration_images: uint8 [H,W,3] arrays."""
    if len(calibration_images) == 0:
        raise ExportError("INT8 export needs calibration images: pass --good DIR with good images")
    model = onnx.load(str(fp32_path))
    graph = model.graph
    fold_weight_identities(graph)
    inits = {t.name: t for t in graph.initializer}
    targets = quantization_targets(graph)
    activations = sorted({n.input[i] for n in targets for i in QUANTIZED_OPS[n.op_type]
                          if i < len(n.input) and n.input[i] not in inits})
    amax = calibrate(model, calibration_images, activations)

    new_inits, new_nodes, replaced = [], [], {}
    zero = "qdq_zero_point_int8"
    new_inits.append(onnx.numpy_helper.from_array(np.zeros((), np.int8), zero))

    def dequantized(name):
        """Name of the Q/DQ'd (or int8-stored) version of tensor `name`, created once."""
        if name in replaced:
            return replaced[name], []
        nodes, scale_name, out = [], f"{name}_scale", f"{name}_dequantized"
        if name in inits:
            w = onnx.numpy_helper.to_array(inits[name]).astype(np.float32)
            scale = _scale(float(np.abs(w).max()))
            q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
            new_inits.append(onnx.numpy_helper.from_array(q, f"{name}_quantized"))
            new_inits.append(onnx.numpy_helper.from_array(scale, scale_name))
            nodes.append(helper.make_node("DequantizeLinear", [f"{name}_quantized", scale_name, zero], [out],
                                          name=f"{name}_DequantizeLinear"))
        else:
            if name not in amax:
                raise ExportError(f"calibration never saw tensor {name}; the graph is not the exported one")
            new_inits.append(onnx.numpy_helper.from_array(_scale(amax[name]), scale_name))
            nodes.append(helper.make_node("QuantizeLinear", [name, scale_name, zero], [f"{name}_quantized"],
                                          name=f"{name}_QuantizeLinear"))
            nodes.append(helper.make_node("DequantizeLinear", [f"{name}_quantized", scale_name, zero], [out],
                                          name=f"{name}_DequantizeLinear"))
        replaced[name] = out
        return out, nodes

    target_ids = {id(n) for n in targets}
    ordered = []
    for node in graph.node:
        if id(node) in target_ids:
            for i in QUANTIZED_OPS[node.op_type]:
                if i < len(node.input) and node.input[i]:
                    node.input[i], nodes = dequantized(node.input[i])
                    ordered.extend(nodes)
        ordered.append(node)
    del graph.node[:]
    graph.node.extend(ordered)
    quantized_weights = {n for n in replaced if n in inits}
    kept = [t for t in graph.initializer if t.name not in quantized_weights or _still_used(graph, t.name)]
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, str(out_path))
    return model


def _still_used(graph, name):
    return any(name in n.input for n in graph.node)
