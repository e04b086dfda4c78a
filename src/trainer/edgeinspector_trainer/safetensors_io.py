"""Reader/writer for the safetensors format (8-byte LE header length, JSON header, raw data).

Parsed by hand so the trainer needs no extra package on the workstation or in CI.
"""
import json
import struct
from pathlib import Path

import numpy as np
import torch

from .errors import SafetensorsError

# numpy has no bfloat16: BF16 is read as raw uint16 and widened to float32 bits.
_DTYPES = {
    "F64": (torch.float64, 8), "F32": (torch.float32, 4), "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2), "I64": (torch.int64, 8), "I32": (torch.int32, 4),
    "I16": (torch.int16, 2), "I8": (torch.int8, 1), "U8": (torch.uint8, 1), "BOOL": (torch.bool, 1),
}
_NUMPY = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64,
          "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}
_TORCH_TO_NAME = {v[0]: k for k, v in _DTYPES.items()}
_MAX_HEADER = 100 * 1024 * 1024


def read_safetensors(path):
    """Return {name: tensor} from a .safetensors file; raises SafetensorsError naming the file."""
    path = Path(path)
    fix = "re-download the checkpoint or re-create it with make-tiny-clip"
    if not path.is_file():
        raise SafetensorsError(f"{path}: file not found; {fix}")
    data = path.read_bytes()
    if len(data) < 8:
        raise SafetensorsError(f"{path}: file is {len(data)} bytes, too short for a safetensors header; {fix}")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > _MAX_HEADER or 8 + header_len > len(data):
        raise SafetensorsError(f"{path}: header length {header_len} exceeds the file size {len(data)} "
                               f"(truncated or not a safetensors file); {fix}")
    try:
        header = json.loads(data[8:8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{path}: header is not valid JSON ({e}); {fix}") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header is not a JSON object; {fix}")
    body = memoryview(data)[8 + header_len:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, shape, (start, end) = info["dtype"], [int(d) for d in info["shape"]], info["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise SafetensorsError(f"{path}: tensor {name!r} has a malformed header entry {info!r}; {fix}") from None
        if dtype not in _DTYPES:
            raise SafetensorsError(f"{path}: tensor {name!r} has unsupported dtype {dtype}; "
                                   f"convert the checkpoint to F32/F16/BF16")
        count = int(np.prod(shape)) if shape else 1
        if not 0 <= start <= end <= len(body) or end - start != count * _DTYPES[dtype][1]:
            raise SafetensorsError(f"{path}: tensor {name!r} data range {start}..{end} does not match "
                                   f"shape {shape} {dtype} or the file is truncated; {fix}")
        raw = body[start:end]
        if dtype == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            t = torch.from_numpy(bits.view(np.float32).copy()).to(torch.bfloat16)
        else:
            t = torch.from_numpy(np.frombuffer(raw, dtype=np.dtype(_NUMPY[dtype]).newbyteorder("<")).copy())
        tensors[name] = t.reshape(shape)
    return tensors


def write_safetensors(path, tensors, metadata=None):
    """Write {name: tensor} as safetensors (data sorted by name, 8-byte aligned header)."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _TORCH_TO_NAME:
            raise SafetensorsError(f"{path}: cannot write tensor {name!r} of dtype {t.dtype}")
        if t.dtype == torch.bfloat16:
            raw = (t.float().numpy().view(np.uint32) >> 16).astype("<u2").tobytes()
        else:
            raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _TORCH_TO_NAME[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blob = json.dumps(header, separators=(",", ":")).encode("utf-8")
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for raw in chunks:
            f.write(raw)
