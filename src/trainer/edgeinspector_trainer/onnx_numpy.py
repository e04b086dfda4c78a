"""A small numpy interpreter for the ONNX ops the exported inspection graph uses.

onnxruntime's Python package and onnx.reference (onnx >= 1.13) are not available everywhere
the trainer runs; INT8 calibration needs activation ranges and the tests need an independent
runtime for parity, so this evaluates the graph with numpy (float32, like the runtimes)."""
import math

import numpy as np
import onnx
import onnx.numpy_helper

from .errors import ExportError

try:
    from onnx.helper import tensor_dtype_to_np_dtype as _np_dtype
except ImportError:  # onnx < 1.13
    from onnx.mapping import TENSOR_TYPE_TO_NP_TYPE

    def _np_dtype(t):
        return TENSOR_TYPE_TO_NP_TYPE[t]


def node_attrs(node):
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def _reduce(fn):
    def op(x, axes=None, keepdims=1):
        axes = None if axes is None else tuple(int(a) for a in axes)
        return fn(x, axis=axes, keepdims=bool(keepdims))
    return op


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _layernorm(x, scale, bias=None, axis=-1, epsilon=1e-5, **_):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + epsilon) * scale
    return (y + bias if bias is not None else y).astype(x.dtype)


def _conv(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), group=1, dilations=(1, 1), **_):
    if group != 1 or tuple(dilations) != (1, 1):
        raise ExportError(f"Conv with group={group} dilations={dilations} is not supported")
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    win = np.lib.stride_tricks.sliding_window_view(x, w.shape[2:], axis=(2, 3))[:, :, ::strides[0], ::strides[1]]
    y = np.einsum("nchwij,ocij->nohw", win, w, optimize=True).astype(x.dtype)
    return y + b.reshape(1, -1, 1, 1) if b is not None else y


def _pool(reduce, fill):
    def op(x, kernel_shape, strides=(1, 1), pads=(0, 0, 0, 0), count_include_pad=0, ceil_mode=0, **_):
        if ceil_mode:
            raise ExportError("pooling with ceil_mode=1 is not supported")
        padded = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])), constant_values=fill)
        win = np.lib.stride_tricks.sliding_window_view(padded, tuple(kernel_shape), axis=(2, 3))
        win = win[:, :, ::strides[0], ::strides[1]]
        if reduce == "max":
            return win.max(axis=(-2, -1)).astype(x.dtype)
        total = win.sum(axis=(-2, -1))
        if count_include_pad or not any(pads):
            return (total / np.prod(kernel_shape)).astype(x.dtype)
        ones = np.pad(np.ones(x.shape[2:], x.dtype), ((pads[0], pads[2]), (pads[1], pads[3])))
        count = np.lib.stride_tricks.sliding_window_view(ones, tuple(kernel_shape))[::strides[0], ::strides[1]]
        return (total / count.sum(axis=(-2, -1))).astype(x.dtype)
    return op


def _batchnorm(x, scale, bias, mean, var, epsilon=1e-5, **_):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    inv = scale / np.sqrt(var + epsilon)
    return ((x - mean.reshape(shape)) * inv.reshape(shape) + bias.reshape(shape)).astype(x.dtype)


def _linear_axis(x, axis, out_len, mode):
    in_len = x.shape[axis]
    scale = out_len / in_len
    dst = np.arange(out_len, dtype=np.float64)
    if mode == "align_corners":
        src = dst * (in_len - 1) / max(out_len - 1, 1)
    elif mode == "asymmetric":
        src = dst / scale
    else:  # half_pixel / pytorch_half_pixel
        src = (dst + 0.5) / scale - 0.5 if (out_len > 1 or mode == "half_pixel") else np.zeros(out_len)
    src = np.clip(src, 0, in_len - 1)
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, in_len - 1)
    frac = (src - lo).astype(x.dtype)
    shape = [1] * x.ndim
    shape[axis] = out_len
    frac = frac.reshape(shape)
    return np.take(x, lo, axis=axis) * (1 - frac) + np.take(x, hi, axis=axis) * frac


def _resize(x, roi=None, scales=None, sizes=None, mode="nearest", coordinate_transformation_mode="half_pixel", **_):
    if mode != "linear":
        raise ExportError(f"Resize mode {mode!r} is not supported")
    if sizes is None or sizes.size == 0:
        sizes = np.floor(np.array(x.shape) * scales).astype(np.int64)
    for axis, n in enumerate(sizes):
        if n != x.shape[axis]:
            x = _linear_axis(x, axis, int(n), coordinate_transformation_mode)
    return x


def _pad(x, pads, value=None, mode="constant", **_):
    n = x.ndim
    width = [(int(pads[i]), int(pads[i + n])) for i in range(n)]
    if mode == "constant":
        return np.pad(x, width, constant_values=0 if value is None else value)
    return np.pad(x, width, mode={"reflect": "reflect", "edge": "edge"}[mode])


def _slice(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    idx = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        idx[int(a)] = slice(int(s), int(e), int(st))
    return x[tuple(idx)]


def _per_axis(v, x, axis):
    """A per-axis scale / zero point [C] shaped to broadcast along `axis` of x."""
    if v is None or np.ndim(v) == 0:
        return v
    shape = [1] * x.ndim
    shape[axis % x.ndim] = -1
    return v.reshape(shape)


def _quantize(x, scale, zero_point=None, axis=1, **_):
    zp = np.zeros((), np.int8) if zero_point is None else zero_point
    info = np.iinfo(zp.dtype)
    scale, zp_ = _per_axis(scale, x, axis), _per_axis(zp, x, axis)
    return np.clip(np.rint(x / scale) + zp_.astype(np.int32), info.min, info.max).astype(zp.dtype)


def _dequantize(x, scale, zero_point=None, axis=1, **_):
    zp = 0 if zero_point is None else _per_axis(zero_point, x, axis).astype(np.int32)
    return ((x.astype(np.int32) - zp) * _per_axis(scale, x, axis)).astype(np.float32)


def _gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    y = alpha * ((a.T if transA else a) @ (b.T if transB else b))
    return (y + beta * c if c is not None else y).astype(a.dtype)


def _erf(x):
    # numpy has no erf; math.erf per element is exact (polynomial fits are too coarse for parity).
    return np.vectorize(math.erf, otypes=[np.float64])(x.astype(np.float64)).astype(x.dtype)


_OPS = {
    "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Pow": np.power, "Equal": np.equal,
    "Div": lambda a, b: (a // b if np.issubdtype(a.dtype, np.integer) else a / b).astype(a.dtype),
    "MatMul": np.matmul, "Sqrt": np.sqrt, "Neg": np.negative, "Exp": np.exp, "Tanh": np.tanh, "Erf": _erf,
    "Sigmoid": lambda x: (1 / (1 + np.exp(-x))).astype(x.dtype), "Identity": lambda x: x,
    "Where": np.where, "Shape": lambda x: np.array(x.shape, dtype=np.int64),
    "Reshape": lambda x, s, allowzero=0: x.reshape([x.shape[i] if v == 0 and not allowzero else v
                                                    for i, v in enumerate(s)]),
    "Transpose": lambda x, perm=None: np.transpose(x, perm),
    "Unsqueeze": lambda x, axes: np.expand_dims(x, tuple(int(a) % (x.ndim + len(axes)) for a in axes)),
    "Squeeze": lambda x, axes=None: np.squeeze(x, None if axes is None else tuple(int(a) for a in axes)),
    "Concat": lambda *xs, axis: np.concatenate(xs, axis=axis),
    "Gather": lambda x, i, axis=0: np.take(x, i, axis=axis),
    "Expand": lambda x, s: x * np.ones(s, dtype=x.dtype),
    "Flatten": lambda x, axis=1: x.reshape(int(np.prod(x.shape[:axis])), -1),
    "Cast": lambda x, to: x.astype(_np_dtype(to)),
    "ConstantOfShape": lambda s, value=None: np.full(
        s, 0.0 if value is None else onnx.numpy_helper.to_array(value).item(),
        dtype=np.float32 if value is None else onnx.numpy_helper.to_array(value).dtype),
    "Clip": lambda x, lo=None, hi=None: np.clip(x, -np.inf if lo is None else lo, np.inf if hi is None else hi
                                                ).astype(x.dtype),
    "Softmax": _softmax, "LayerNormalization": _layernorm, "Conv": _conv, "Resize": _resize, "Pad": _pad,
    "Slice": _slice, "Gemm": _gemm, "QuantizeLinear": _quantize, "DequantizeLinear": _dequantize,
    "Relu": lambda x: np.maximum(x, 0).astype(x.dtype), "MaxPool": _pool("max", -np.inf),
    "AveragePool": _pool("mean", 0), "BatchNormalization": _batchnorm,
    "Split": lambda x, split=None, axis=0: tuple(np.split(x, np.cumsum(split)[:-1], axis=axis)),
    "ReduceMin": _reduce(np.min),
    "ReduceMean": _reduce(np.mean), "ReduceMax": _reduce(np.max), "ReduceSum": _reduce(np.sum),
    "ReduceL2": _reduce(lambda x, axis, keepdims: np.sqrt((x * x).sum(axis=axis, keepdims=keepdims))),
}


class OnnxNumpyRunner:
    def __init__(self, model):
        self.model = onnx.load(str(model)) if not isinstance(model, onnx.ModelProto) else model
        g = self.model.graph
        self.init = {t.name: onnx.numpy_helper.to_array(t) for t in g.initializer}
        missing = sorted({n.op_type for n in g.node if n.op_type != "Constant"} - set(_OPS))
        if missing:
            raise ExportError(f"graph uses ops the numpy runner lacks: {missing}")

    def run(self, feeds, observe=None):
        """Evaluate the graph; observe(name, value) sees every intermediate tensor."""
        env = dict(self.init)
        env.update(feeds)
        for node in self.model.graph.node:
            attrs = node_attrs(node)
            if node.op_type == "Constant":
                outs = [onnx.numpy_helper.to_array(attrs["value"])]
            else:
                args = [env[i] if i else None for i in node.input]
                while args and args[-1] is None:
                    args.pop()
                outs = _OPS[node.op_type](*args, **attrs)
                outs = outs if isinstance(outs, tuple) else [outs]
            for name, value in zip(node.output, outs):
                value = np.asarray(value)
                env[name] = value
                if observe is not None:
                    observe(name, value)
        return {o.name: env[o.name] for o in self.model.graph.output}
