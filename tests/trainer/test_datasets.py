import json

import numpy as np
import pytest

from conftest import read_json, write_image
from edgeinspector_trainer.datasets import (hash_dataset, read_image, read_mask, scan, select, verify_dataset,
                                            write_meta)
from edgeinspector_trainer.errors import DatasetError, DatasetIntegrityError


def test_scan_product_layout_with_label_records(mvtec_dataset):
    samples = scan(mvtec_dataset)
    assert {s.cls for s in samples} == {"COMP/widget"}
    train, test = select(samples, "train"), select(samples, "test")
    assert len(train) == 4 and all(s.label == 0 for s in train)
    anomalies = [s for s in test if s.label]
    assert len(anomalies) == 2 and all(s.mask and s.mask.endswith("_mask.png") for s in anomalies)
    assert [s.description for s in anomalies] == ["", "scratch on the surface"]


def test_meta_json_lists_every_image(mvtec_dataset):
    write_meta(mvtec_dataset)
    meta = read_json(mvtec_dataset / "meta.json")
    assert meta["train"]["COMP/widget"][0]["img_path"] == "COMP/widget/train/good/000.png"
    test = meta["test"]["COMP/widget"]
    assert len(test) == 4
    scratch = [e for e in test if e["specie_name"] == "scratch"]
    assert all(e["anomaly"] == 1 and e["mask_path"].startswith("COMP/widget/ground_truth/scratch/") for e in scratch)
    assert read_json(mvtec_dataset / "meta_test.json") == meta["test"]


def test_hash_and_verify_names_changed_file(mvtec_dataset):
    assert verify_dataset(mvtec_dataset) is False
    files = hash_dataset(mvtec_dataset)
    assert "COMP/widget/labels.csv" in files and len(files[next(iter(files))]["sha256"]) == 64
    assert verify_dataset(mvtec_dataset) is True
    changed = mvtec_dataset / "COMP/widget/train/good/002.png"
    changed.write_bytes(changed.read_bytes() + b"x")
    with pytest.raises(DatasetIntegrityError, match="002.png: SHA-256 differs"):
        verify_dataset(mvtec_dataset)


def test_bad_datasets_have_clear_errors(mvtec_dataset, tmp_path):
    with pytest.raises(DatasetError, match="no good images in the train split"):
        select([s for s in scan(mvtec_dataset) if s.label], "train")
    broken = mvtec_dataset / "COMP/widget/train/good/001.png"
    broken.write_bytes(b"garbage")
    with pytest.raises(DatasetError, match="001.png: cannot be read as an image"):
        read_image(broken, 32)
    img = mvtec_dataset / "COMP/widget/test/scratch/000.png"
    mask = mvtec_dataset / "COMP/widget/ground_truth/scratch/000_mask.png"
    write_image(mask, np.zeros((20, 20), np.uint8))
    with pytest.raises(DatasetError, match="mask is 20x20 but image .* is 40x40"):
        read_mask(mask, img, 32)
    (mvtec_dataset / "COMP/widget/labels.csv").write_text("image_id,label,description\n000.png,broken,\n")
    with pytest.raises(DatasetError, match="label 'broken'; use normal, anomaly or error"):
        scan(mvtec_dataset)
    (mvtec_dataset / "COMP/widget/labels.csv").unlink()
    (mvtec_dataset / "COMP/widget/labels.json").write_text(json.dumps([{"image_id": "missing.png", "label": "normal"}]))
    with pytest.raises(DatasetError, match="missing.png"):
        scan(mvtec_dataset)
    with pytest.raises(DatasetError, match="no class folder"):
        scan(tmp_path / "data" / "COMP" / "widget" / "ground_truth")
