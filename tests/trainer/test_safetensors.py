import json
import struct

import pytest
import torch

from edgeinspector_trainer.errors import SafetensorsError
from edgeinspector_trainer.safetensors_io import read_safetensors, write_safetensors


def test_round_trip_keeps_dtypes_shapes_and_values(tmp_path):
    tensors = {
        "a.weight": torch.randn(3, 4),
        "half": torch.randn(5).half(),
        "bf": torch.randn(2, 2).bfloat16(),
        "ids": torch.arange(6, dtype=torch.int64).reshape(2, 3),
        "scalar": torch.tensor(1.5),
    }
    path = tmp_path / "m.safetensors"
    write_safetensors(path, tensors, {"format": "pt"})
    back = read_safetensors(path)
    assert set(back) == set(tensors)
    for k, v in tensors.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape
        assert torch.equal(back[k], v)


def test_header_is_standard_layout(tmp_path):
    path = tmp_path / "m.safetensors"
    write_safetensors(path, {"x": torch.ones(2)})
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    assert header["x"] == {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    assert (8 + n) % 8 == 0


@pytest.mark.parametrize("damage, words", [
    (lambda d: d[:5], "too short"),
    (lambda d: d[:-3], "truncated"),
    (lambda d: struct.pack("<Q", 10 ** 6) + d[8:], "exceeds the file size"),
    (lambda d: d[:8] + b"#" + d[9:], "not valid JSON"),
])
def test_corrupt_files_raise_errors_naming_the_file(tmp_path, damage, words):
    path = tmp_path / "bad.safetensors"
    write_safetensors(path, {"x": torch.ones(4, 4)})
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(SafetensorsError) as e:
        read_safetensors(path)
    assert str(path) in str(e.value) and words in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(SafetensorsError, match="not found"):
        read_safetensors(tmp_path / "nope.safetensors")
