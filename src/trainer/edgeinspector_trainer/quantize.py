"""INT8 QDQ quantization of the exported graph, done with the onnx helper API.

Symmetric int8 (zero point 0), TensorRT's explicit-quantization form: weights of MatMul/Gemm/Conv
are stored as int8 initializers behind DequantizeLinear with one scale per output channel
(`axis`); their activation inputs get per-tensor QuantizeLinear -> DequantizeLinear with
scales calibrated on good images (max |x| by default; percentile / MSE on request). TensorRT and
ORT fuse these pairs into int8 kernels. What stays float:
- the head (everything that depends on `text_features` / `memory_bank` / `text_weight`: similarity, fusion,
  smoothing): cheap, and the map values need the range;
- the input layer (the patch embedding reading the normalised pixels): quantizing its input
  costs the faint defects (see quantize_qdq);
- attention's activation x activation MatMuls (QK^T, softmax x V): with hundreds of tokens most
  attention weights fall below one int8 step of a per-tensor scale.
"""
import numpy as np
import onnx
import onnx.numpy_helper
from onnx import helper

from .errors import ExportError
from .onnx_numpy import OnnxNumpyRunner

QUANTIZED_OPS = {"MatMul": (0, 1), "Gemm": (0, 1), "Conv": (0, 1)}  # which inputs get Q/DQ
FLOAT_HEAD = ("text_features", "memory_bank", "text_weight")


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


def input_layer_nodes(graph, roots=("image",)):
    """Names of the MatMul/Gemm/Conv nodes that read the pixels: their activation is computed from
    the graph input by cheap ops only (cast, normalisation, layout), no other MatMul/Gemm/Conv."""
    pixels, first = set(roots), set()
    for node in graph.node:
        if not any(i in pixels for i in node.input):
            continue
        if node.op_type in QUANTIZED_OPS:
            first.add(node.name)
        else:
            pixels.update(node.output)
    return first


def quantization_targets(graph, act_act=False, keep_float=(), float_input_layer=True):
    """The MatMul/Gemm/Conv nodes to quantize: outside the float head, not named in keep_float
    (substrings of node names), not the input layer (the patch embedding, which reads the
    normalised pixels) unless float_input_layer is False, and -- unless act_act -- only those with
    a weight (an initializer) as second input: attention's activation x activation products
    (QK^T, softmax x V) keep float."""
    head = head_tensors(graph)
    inits = {t.name for t in graph.initializer}
    first = input_layer_nodes(graph) if float_input_layer else set()
    return [n for n in graph.node if n.op_type in QUANTIZED_OPS and not any(o in head for o in n.output)
            and n.name not in first and not any(k in n.name for k in keep_float)
            and (act_act or (len(n.input) > 1 and n.input[1] in inits))]


HISTOGRAM_BINS = 2048


def calibrate(model, images, tensor_names, method="max", percentile=99.99):
    """Clipping range (amax) of each named tensor over the calibration images.

    max: the largest |x| seen. percentile: that percentile of |x|. mse: the clip minimising the
    mean squared error of int8 round-trip over the observed |x| distribution (TensorRT's
    calibrators choose ranges the same way). Both use a histogram of |x| over [0, max]."""
    runner, names, amax = OnnxNumpyRunner(model), set(tensor_names), {}

    def observe_max(name, value):
        if name in names:
            amax[name] = max(amax.get(name, 0.0), float(np.abs(value).max()))

    for img in images:
        runner.run({"image": img[None]}, observe_max)
    if method == "max":
        return amax
    if method not in ("percentile", "mse"):
        raise ExportError(f"unknown calibration method {method!r}; use max, percentile or mse")
    hist = {n: np.zeros(HISTOGRAM_BINS, np.int64) for n in amax}

    def observe_hist(name, value):
        if name in hist and amax[name] > 0:
            hist[name] += np.histogram(np.abs(value), HISTOGRAM_BINS, (0.0, amax[name]))[0]

    for img in images:
        runner.run({"image": img[None]}, observe_hist)
    return {n: (_percentile_amax if method == "percentile" else _mse_amax)(hist[n], amax[n], percentile)
            if amax[n] > 0 else amax[n] for n in amax}


def _percentile_amax(hist, amax, percentile):
    cdf = np.cumsum(hist) / max(hist.sum(), 1)
    edge = int(np.searchsorted(cdf, percentile / 100.0)) + 1
    return float(amax * min(edge, HISTOGRAM_BINS) / HISTOGRAM_BINS)


def _mse_amax(hist, amax, _percentile=None):
    centers = (np.arange(HISTOGRAM_BINS) + 0.5) * amax / HISTOGRAM_BINS
    best, best_err = amax, None
    for clip in amax * np.linspace(0.2, 1.0, 161):
        step = clip / 127.0
        q = np.minimum(np.rint(centers / step), 127) * step
        err = float((hist * (centers - q) ** 2).sum())
        if best_err is None or err < best_err:
            best, best_err = float(clip), err
    return best


def _scale(amax):
    return np.float32(amax / 127.0 if amax > 0 else 1.0)


def _weight_axis(node):
    """The output-channel axis of a node's weight (input 1): per-channel scales run along it."""
    if node.op_type == "Conv":
        return 0
    if node.op_type == "Gemm":
        return 0 if any(a.name == "transB" and a.i for a in node.attribute) else 1
    return 1  # MatMul [K,N]


def quantize_qdq(fp32_path, out_path, calibration_images, per_channel=True, calibration="max", act_act=False,
                 keep_float=(), float_input_layer=True, percentile=99.99):
    """Write an INT8 QDQ copy of fp32_path; calibration_images: uint8 [H,W,3] arrays.

    per_channel: one weight scale per output channel (DequantizeLinear with axis; TensorRT and
    ORT support it for Conv/MatMul/Gemm weights); activations are always per-tensor.
    calibration: max | percentile | mse (see calibrate). act_act: also quantize attention's
    activation x activation MatMuls. keep_float: substrings of node names that stay float.
    float_input_layer: keep the patch embedding float -- re-quantizing the 8-bit pixels to a
    symmetric per-tensor int8 scale over the normalised range leaves ~7 bits and erases the
    faint, thin defects the memory bank detects (image AUROC 0.988 -> 0.850 on the demo
    benchmark); it is ~5 % of the vision tower's MACs."""
    if len(calibration_images) == 0:
        raise ExportError("INT8 export needs calibration images: pass --good DIR with good images")
    model = onnx.load(str(fp32_path))
    graph = model.graph
    fold_weight_identities(graph)
    inits = {t.name: t for t in graph.initializer}
    targets = quantization_targets(graph, act_act=act_act, keep_float=keep_float,
                                   float_input_layer=float_input_layer)
    activations = sorted({n.input[i] for n in targets for i in QUANTIZED_OPS[n.op_type]
                          if i < len(n.input) and n.input[i] not in inits})
    amax = calibrate(model, calibration_images, activations, calibration, percentile)

    new_inits, new_nodes, replaced = [], [], {}
    zero = "qdq_zero_point_int8"
    new_inits.append(onnx.numpy_helper.from_array(np.zeros((), np.int8), zero))

    def dequantized(name, axis):
        """Name of the Q/DQ'd (or int8-stored) version of tensor `name`, created once."""
        if name in replaced:
            return replaced[name], []
        nodes, scale_name, out = [], f"{name}_scale", f"{name}_dequantized"
        if name in inits:
            w = onnx.numpy_helper.to_array(inits[name]).astype(np.float32)
            if per_channel and w.ndim >= 2:
                reduce = tuple(i for i in range(w.ndim) if i != axis)
                w_amax = np.abs(w).max(axis=reduce)
                scale = np.where(w_amax > 0, w_amax / 127.0, 1.0).astype(np.float32)
                shape = [1] * w.ndim
                shape[axis] = -1
                q = np.clip(np.rint(w / scale.reshape(shape)), -127, 127).astype(np.int8)
                zp_name = f"{name}_zero_point"
                new_inits.append(onnx.numpy_helper.from_array(np.zeros(scale.shape, np.int8), zp_name))
                attrs = {"axis": axis}
            else:
                scale = _scale(float(np.abs(w).max()))
                q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
                zp_name, attrs = zero, {}
            new_inits.append(onnx.numpy_helper.from_array(q, f"{name}_quantized"))
            new_inits.append(onnx.numpy_helper.from_array(scale, scale_name))
            nodes.append(helper.make_node("DequantizeLinear", [f"{name}_quantized", scale_name, zp_name], [out],
                                          name=f"{name}_DequantizeLinear", **attrs))
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
                    node.input[i], nodes = dequantized(node.input[i], _weight_axis(node))
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
