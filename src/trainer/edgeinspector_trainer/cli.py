"""Command line: python -m edgeinspector_trainer <command> ..."""
import argparse
import sys
import warnings

from .errors import TrainerError


def _make_tiny(a):
    from .tiny_clip import make_tiny_clip
    print(f"wrote tiny random-weight CLIP to {make_tiny_clip(a.out, a.seed)}")


def _train(a):
    from .train import train
    train(a.clip, a.data, a.out, epochs=a.epochs, batch_size=a.batch_size, lr=a.lr, depth=a.depth, dpam=a.dpam,
          image_size=a.image_size, seed=a.seed, resume=a.resume, split=a.split, synth=a.synth,
          log=lambda m: print(m, flush=True))


def _export(a):
    from .package import export_package
    export_package(a.clip, a.out, prompts=a.prompts, image_size=a.image_size, dpam=a.dpam, good=a.good,
                   val=a.val, int8=a.int8, calibration=a.calibration, int8_calibration=a.int8_calibration,
                   name=a.name, version=a.version, seed=a.seed, enrollable=a.enrollable,
                   text_weight=a.text_weight, log=lambda m: print(m, flush=True))


def _export_patchcore(a):
    from .patchcore import export_patchcore
    export_patchcore(a.weights, a.out, image_size=a.image_size, channel_order=a.channel_order, int8=a.int8,
                     calibration=a.calibration, name=a.name, version=a.version, resize=a.resize,
                     log=lambda m: print(m, flush=True))


def _cost(a):
    from .export import graph_macs
    macs = graph_macs(a.model)
    print(f"{a.model}: {macs / 1e9:.2f} GMAC = {2 * macs / 1e9:.2f} GFLOPs per image (Conv + MatMul)")


def _reference(a):
    """Raw little-endian files, so a C# test reads them without an .npy parser."""
    import numpy as np

    from .package import reference_outputs
    raw = np.fromfile(a.images, dtype=np.uint8)
    per = a.size * a.size * 3
    if raw.size == 0 or raw.size % per:
        raise TrainerError(f"{a.images}: {raw.size} bytes is not a whole number of {a.size}x{a.size}x3 images")
    amap, score = reference_outputs(a.clip, a.package, raw.reshape(-1, a.size, a.size, 3), a.prompts, a.dpam)
    amap.astype("<f4").tofile(a.out)
    score.astype("<f4").tofile(a.out + ".score")
    print(f"wrote {amap.shape[0]} reference maps to {a.out} and scores to {a.out}.score")


def _meta(a):
    from .datasets import write_meta
    meta = write_meta(a.data)
    for split, classes in meta.items():
        print(f"{split}: {sum(len(v) for v in classes.values())} images in {len(classes)} classes")


def _hash(a):
    from .datasets import MANIFEST, hash_dataset
    print(f"hashed {len(hash_dataset(a.data))} files -> {a.data}/{MANIFEST}")


def _verify(a):
    from .datasets import verify_dataset
    if not verify_dataset(a.data):
        raise TrainerError(f"{a.data}: no dataset-manifest.json; run hash-dataset first")
    print(f"{a.data}: every file matches dataset-manifest.json")


def build_parser():
    p = argparse.ArgumentParser(prog="edgeinspector_trainer",
                                description="AnomalyCLIP training and model packages for EdgeInspector")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("make-tiny-clip", help="write a tiny random-weight CLIP (HF format) for demos/tests")
    s.add_argument("--out", required=True)
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(fn=_make_tiny)

    s = sub.add_parser("train", help="learn AnomalyCLIP prompts on a dataset")
    s.add_argument("--clip", required=True, help="HF CLIP folder or OpenAI .pt")
    s.add_argument("--data", required=True, help="dataset root (MVTec layout)")
    s.add_argument("--out", required=True, help="run folder for epoch_N.pth and prompts.pt")
    s.add_argument("--epochs", type=int, default=15)
    s.add_argument("--batch-size", type=int, default=8)
    s.add_argument("--lr", type=float, default=1e-3)
    s.add_argument("--depth", type=int, default=9, help="layers with learned text tokens")
    s.add_argument("--dpam", type=int, default=None, help="last N vision layers with v-v attention")
    s.add_argument("--image-size", type=int, default=None)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--split", default="train", choices=("train", "test"), help="which split to learn from")
    s.add_argument("--synth", type=float, default=0.5, help="probability a good image gets a synthetic defect")
    s.add_argument("--resume", action="store_true", help="continue from the newest epoch_N.pth in --out")
    s.set_defaults(fn=_train)

    s = sub.add_parser("export", help="write a model package (ONNX + manifest)")
    s.add_argument("--clip", required=True)
    s.add_argument("--out", required=True, help="package folder")
    s.add_argument("--prompts", help="RUN_DIR/prompts.pt; zero-shot prompts without it")
    s.add_argument("--image-size", type=int, default=None)
    s.add_argument("--dpam", type=int, default=None)
    s.add_argument("--good", help="folder of good images: memory bank, INT8 calibration, thresholds")
    s.add_argument("--val", help="dataset root whose test split sets thresholds and metrics")
    s.add_argument("--int8", action="store_true", help="also write model.int8.onnx (QDQ)")
    s.add_argument("--calibration", help="folder of good images for INT8 calibration (default: --good)")
    s.add_argument("--int8-calibration", choices=("max", "percentile", "mse"), default="max",
                   help="activation range per tensor: max |x| (default), 99.99th percentile, or MSE-optimal")
    s.add_argument("--name", default="edgeinspector-anomalyclip")
    s.add_argument("--version", type=int, default=1)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--enrollable", action="store_true",
                   help="without --good: a placeholder memory bank for edge-inspector enroll to replace")
    s.add_argument("--text-weight", type=float, default=0.5,
                   help="with a memory bank: the text map's share of map and score (0.5 averages them, as "
                        "AnomalyCLIP/WinCLIP+ do; 0 = memory bank only, PatchCore, for prompts without meaning)")
    s.set_defaults(fn=_export)

    s = sub.add_parser("export-patchcore",
                       help="write an enrollable PatchCore package on the ImageNet ResNet18 (the default engine)")
    s.add_argument("--weights", required=True,
                   help="ResNet18.onnx from NuGet's Microsoft.ML.DnnImageFeaturizer.ResNet18 (edge-inspector weights)")
    s.add_argument("--out", required=True, help="package folder")
    s.add_argument("--image-size", default="448x336",
                   help="model input: WIDTHxHEIGHT (448x336, the default engine's) or a side (224), multiples of 16")
    s.add_argument("--channel-order", choices=("bgr", "rgb"), default="bgr",
                   help="order the network sees; bgr is what the CNTK weights were trained on")
    s.add_argument("--resize", choices=("area", "bilinear", "bicubic"), default="area",
                   help="how the agent reduces a frame to the input size (area keeps thin defects)")
    s.add_argument("--int8", action="store_true", help="also write model.int8.onnx (QDQ)")
    s.add_argument("--calibration", help="folder of good images for INT8 calibration")
    s.add_argument("--name", default="patchcore-resnet18")
    s.add_argument("--version", type=int, default=1)
    s.set_defaults(fn=_export_patchcore)

    s = sub.add_parser("cost", help="GMAC and GFLOPs per image of an ONNX model (Conv + MatMul)")
    s.add_argument("--model", required=True, help="an .onnx file, e.g. PKG/model.onnx")
    s.set_defaults(fn=_cost)

    s = sub.add_parser("reference", help="PyTorch anomaly maps/scores for a package (ONNX parity checks)")
    s.add_argument("--clip", required=True)
    s.add_argument("--package", required=True, help="package folder: text features + memory bank from model.onnx")
    s.add_argument("--images", required=True, help="raw uint8 RGB images, N x size x size x 3")
    s.add_argument("--size", type=int, required=True, help="model input size")
    s.add_argument("--out", required=True, help="raw float32 maps [N,1,size,size]; scores go to OUT.score")
    s.add_argument("--prompts")
    s.add_argument("--dpam", type=int, default=None)
    s.set_defaults(fn=_reference)

    s = sub.add_parser("meta", help="write meta.json / meta_train.json / meta_test.json")
    s.add_argument("--data", required=True)
    s.set_defaults(fn=_meta)

    s = sub.add_parser("hash-dataset", help="write dataset-manifest.json (SHA-256 per file)")
    s.add_argument("--data", required=True)
    s.set_defaults(fn=_hash)

    s = sub.add_parser("verify-dataset", help="check files against dataset-manifest.json")
    s.add_argument("--data", required=True)
    s.set_defaults(fn=_verify)
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning, module="torch.onnx")
    try:
        args.fn(args)
    except TrainerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0
