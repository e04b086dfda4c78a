"""ImageNet-pretrained ResNet18 read from the CNTK ONNX export that NuGet's
Microsoft.ML.DnnImageFeaturizer.ResNet18 ships (tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx).

The file is CNTK 2.6's export at ONNX opset 8: input `Input247` float [1,3,224,224] in BGR order
with the ImageNet mean image subtracted on the 0-255 scale (ResNetPreprocess.onnx in the same
package splits R,G,B, concatenates B,G,R and subtracts `MeanImage`, whose channel means are
103.1 / 115.9 / 123.2: Caffe's BGR ImageNet mean), no division by a std. Its convolutions pad
asymmetrically (CNTK's "same" padding: 7x7/2 pads 3 before, 2 after; the stride-2 3x3 convs and
the max pool 1 before, 0 after), which torchvision's ResNet does not: the graph is replayed node by
node rather than mapped onto a torchvision layout, so every pad and stride is the file's own.

BatchNormalization is folded into the preceding convolution when the file is read (exact up to
float rounding), so the exported graphs hold plain Conv + Relu + Add, which INT8 QDQ quantizes
per output channel and TensorRT fuses."""
from pathlib import Path

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn.functional as F
from torch import nn

from .errors import ExportError
from .export import sha256_file
from .onnx_numpy import node_attrs

RESNET18_SHA256 = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f"
PREPROCESS_SHA256 = "84bf8def78d0befaa3f6e73745d57d7016c6a192ead76f79686bd438c1047004"
# Channel means of ResNetPreprocess.onnx's MeanImage, in the network's B, G, R input order.
BGR_MEAN = (103.06262, 115.902885, 123.15163)
NUGET_HINT = ("the weights come from NuGet's Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0: `dotnet build "
              "src/EdgeInspector.Engines` restores and verifies them, `edge-inspector weights` prints the path")


class CntkResNet(nn.Module):
    """The CNTK ResNet's graph up to the last stage, as torch ops; forward(x) returns the
    requested stage outputs (1..4: stride 4, 8, 16, 32) for x float [N,3,H,W], network order and
    mean already applied."""

    def __init__(self, ops, weights, stages):
        super().__init__()
        self.ops = ops
        self.stages = stages  # stage number -> tensor name
        for name, value in weights.items():
            self.register_buffer(name, torch.from_numpy(value))

    def forward(self, x, stages=(2, 3)):
        wanted = {self.stages[s] for s in stages}
        env = {"input": x}
        for op in self.ops:
            kind, ins, out = op[0], op[1], op[2]
            a = env[ins[0]]
            if kind == "conv":
                _, _, _, weight, bias, stride, pads = op
                kernel = tuple(getattr(self, weight).shape[2:])
                y = _padded(a, pads, kernel, stride, lambda t, p: F.conv2d(t, getattr(self, weight), getattr(self, bias), stride, p))
            elif kind == "relu":
                y = F.relu(a)
            elif kind == "add":
                y = a + env[ins[1]]
            elif kind == "maxpool":
                _, _, _, kernel, stride, pads = op
                y = _padded(a, pads, kernel, stride, lambda t, p: F.max_pool2d(t, kernel, stride, p), float("-inf"))
            else:
                raise ExportError(f"internal: unknown op {kind}")
            env[out] = y
            wanted.discard(out)
            if not wanted:
                break
        return tuple(env[self.stages[s]] for s in stages)


def _padded(x, pads, kernel, stride, op, fill=0.0):
    """op(x) with ONNX pads (top, left, bottom, right), exported as the op's own symmetric padding:
    windows start where the leading pad puts them, and the extra output rows/columns a larger
    trailing pad would add are cropped (static sizes: none at the multiple-of-16 sizes used).
    Only a trailing pad larger than the leading one needs an explicit Pad node."""
    top, left, bottom, right = pads
    if bottom > top or right > left:
        return op(F.pad(x, (left, right, top, bottom), value=fill), 0)
    h, w = int(x.shape[2]), int(x.shape[3])
    out_h = (h + top + bottom - kernel[0]) // stride[0] + 1
    out_w = (w + left + right - kernel[1]) // stride[1] + 1
    y = op(x, (top, left))
    if int(y.shape[2]) != out_h or int(y.shape[3]) != out_w:
        y = y[:, :, :out_h, :out_w]
    return y


def load_cntk_resnet(path, verify=True):
    """CntkResNet from the CNTK ONNX file; verify: refuse a file whose SHA-256 is not the known one."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: pretrained ResNet18 weights not found; {NUGET_HINT}")
    if verify:
        digest = sha256_file(path)
        if digest != RESNET18_SHA256:
            raise ExportError(f"{path}: SHA-256 {digest} is not the ResNet18.onnx of "
                              f"Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 ({RESNET18_SHA256}); "
                              f"a different or damaged file would give other features silently. {NUGET_HINT}")
    try:
        model = onnx.load(str(path))
    except Exception as e:  # protobuf raises several types for a damaged file
        raise ExportError(f"{path}: not a readable ONNX file ({e}); {NUGET_HINT}") from e
    graph = model.graph
    inits = {t.name: onnx.numpy_helper.to_array(t).astype(np.float32) for t in graph.initializer}
    inputs = [i.name for i in graph.input if i.name not in inits]
    if len(inputs) != 1:
        raise ExportError(f"{path}: expected one image input, found {inputs}")
    rename = {inputs[0]: "input"}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    ops, weights, stage_inputs, last_relu = [], {}, [], None
    folded = set()
    for node in graph.node:
        kind, a = node.op_type, node_attrs(node)
        ins = [rename.get(i, i) for i in node.input]
        if kind == "Conv":
            if a.get("group", 1) != 1 or tuple(a.get("dilations", (1, 1))) != (1, 1) or a.get("auto_pad", "NOTSET") != "NOTSET":
                raise ExportError(f"{path}: Conv {node.name or node.output[0]} uses grouping, dilation or auto_pad; "
                                  "not the ResNet18 this loader reads")
            w = inits[node.input[1]]
            b = inits[node.input[2]] if len(node.input) > 2 else np.zeros(w.shape[0], np.float32)
            out = node.output[0]
            users = consumers.get(out, [])
            if len(users) == 1 and users[0].op_type == "BatchNormalization":
                bn = users[0]
                gamma, beta, mean, var = (inits[n] for n in bn.input[1:5])
                eps = node_attrs(bn).get("epsilon", 1e-5)
                scale = gamma / np.sqrt(var + eps)
                w = w * scale[:, None, None, None]
                b = (b - mean) * scale + beta
                folded.add(bn.output[0])
                rename[out] = bn.output[0]
                out = bn.output[0]
            key = f"w{len(weights) // 2}"
            weights[key], weights[key + "_b"] = w.astype(np.float32), b.astype(np.float32)
            if w.shape[2:] == (1, 1) and tuple(a.get("strides", (1, 1))) == (2, 2):
                stage_inputs.append(ins[0])  # a projection shortcut starts the next stage
            ops.append(("conv", ins[:1], out, key, key + "_b", tuple(a.get("strides", (1, 1))),
                        tuple(int(p) for p in a.get("pads", (0, 0, 0, 0)))))
        elif kind == "BatchNormalization":
            if node.output[0] not in folded:
                raise ExportError(f"{path}: BatchNormalization {node.output[0]} does not follow a Conv")
        elif kind == "Relu":
            ops.append(("relu", ins, node.output[0]))
            last_relu = node.output[0]
        elif kind == "Add":
            ops.append(("add", ins, node.output[0]))
        elif kind == "MaxPool":
            ops.append(("maxpool", ins, node.output[0], tuple(a["kernel_shape"]), tuple(a["strides"]),
                        tuple(int(p) for p in a.get("pads", (0, 0, 0, 0)))))
        elif kind in ("AveragePool", "GlobalAveragePool"):
            break  # the pooled head: the patch features come from the stages before it
        else:
            raise ExportError(f"{path}: unexpected op {kind} before the pooling head; not the ResNet18 this loader reads")
    if len(stage_inputs) != 3 or last_relu is None:
        raise ExportError(f"{path}: found {len(stage_inputs)} downsampling shortcuts, a ResNet18 has 3")
    stages = {1: stage_inputs[0], 2: stage_inputs[1], 3: stage_inputs[2], 4: last_relu}
    return CntkResNet(ops, weights, stages).eval()


def network_pixels(image, channel_order="bgr"):
    """uint8 [N,H,W,3] RGB -> float [N,3,H,W] as the CNTK network expects: channels in
    `channel_order` (bgr is the preprocess graph's; rgb is kept only to measure the wrong choice)
    minus the matching ImageNet channel mean, 0-255 scale."""
    x = image.permute(0, 3, 1, 2).float()
    if channel_order == "bgr":
        x = x.flip(1)
        mean = BGR_MEAN
    elif channel_order == "rgb":
        mean = tuple(reversed(BGR_MEAN))
    else:
        raise ExportError(f"channel order {channel_order!r}: use bgr (what the weights were trained on) or rgb")
    return x - torch.tensor(mean, dtype=torch.float32).reshape(1, 3, 1, 1)
