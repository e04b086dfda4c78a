#!/usr/bin/env python3
"""Builds the texture-baseline model package: a hand-designed ONNX anomaly model, no learning.

It scores how far each pixel departs from its neighbourhood (local-contrast residual), which
flags scratches, contamination and cracks on a uniform machined surface. It serves the demo and
the pipeline tests until a CLIP package replaces it; it is not a substitute for AnomalyCLIP.
It honours the ONNX I/O contract (uint8 NHWC in, anomaly_map [N,1,H,W] and score [N] out).

    /usr/bin/python3 engines/texture-baseline/build.py [--out DIR] [--version N]
"""
import argparse
import hashlib
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIZE = 224
# Residual level (in [0,1] grey units) that maps to 0.5, and the sigmoid's slope; chosen so the
# demo surface's grain stays well below 0.5 while a 3-px scratch at 224 px rises above it.
RESIDUAL_MID = 0.075
RESIDUAL_SLOPE = 60.0


def build_graph():
    init = [
        numpy_helper.from_array(np.array([255.0], dtype=np.float32), "scale"),
        numpy_helper.from_array(np.array([RESIDUAL_MID], dtype=np.float32), "mid"),
        numpy_helper.from_array(np.array([RESIDUAL_SLOPE], dtype=np.float32), "slope"),
    ]
    nodes = [
        helper.make_node("Cast", ["image"], ["image_f"], to=TensorProto.FLOAT),
        helper.make_node("ReduceMean", ["image_f"], ["grey_nhwc"], axes=[3], keepdims=1),
        helper.make_node("Transpose", ["grey_nhwc"], ["grey_255"], perm=[0, 3, 1, 2]),
        helper.make_node("Div", ["grey_255", "scale"], ["grey"]),
        helper.make_node("AveragePool", ["grey"], ["local_mean"], kernel_shape=[15, 15], pads=[7, 7, 7, 7], count_include_pad=0),
        helper.make_node("Sub", ["grey", "local_mean"], ["residual_signed"]),
        helper.make_node("Abs", ["residual_signed"], ["residual"]),
        helper.make_node("AveragePool", ["residual"], ["residual_smooth"], kernel_shape=[5, 5], pads=[2, 2, 2, 2], count_include_pad=0),
        helper.make_node("Sub", ["residual_smooth", "mid"], ["centred"]),
        helper.make_node("Mul", ["centred", "slope"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["anomaly_map"]),
        helper.make_node("ReduceMax", ["anomaly_map"], ["score"], axes=[1, 2, 3], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "texture_baseline",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, ["N", SIZE, SIZE, 3])],
        [
            helper.make_tensor_value_info("anomaly_map", TensorProto.FLOAT, ["N", 1, SIZE, SIZE]),
            helper.make_tensor_value_info("score", TensorProto.FLOAT, ["N"]),
        ],
        init,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="edgeinspector-texture-baseline")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=here)
    parser.add_argument("--version", type=int, default=1)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    model_path = os.path.join(args.out, "model.onnx")
    onnx.save(build_graph(), model_path)
    data = open(model_path, "rb").read()
    manifest = {
        "format": 1,
        "name": "texture-baseline",
        "version": args.version,
        "description": "Hand-designed local-contrast anomaly model for the demo surface; not a learned model.",
        "backbone": "handmade-texture",
        "input": {"width": SIZE, "height": SIZE, "resize": "area"},
        "decision": {"image_threshold": 0.5, "pixel_threshold": 0.5, "score_scale": 0.08, "min_region_area_px": 6},
        "metrics": {},
        "files": {"model.onnx": {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}},
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"wrote {args.out} ({len(data)} bytes model)")


if __name__ == "__main__":
    main()
