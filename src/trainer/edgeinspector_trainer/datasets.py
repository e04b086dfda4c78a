"""Datasets in MVTec layout (`<class>/{train,test}/{good,<defect>}`, `ground_truth/<defect>/
<name>_mask.png`), nested product classes (`data/<COMP>/<product>/...`), label records
(labels.csv / labels.json: image_id,label,description), meta.json, and per-file SHA-256
manifests so a changed file is caught before training."""
import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .errors import DatasetError, DatasetIntegrityError

IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}
SPLITS = ("train", "test")
LABELS = {"normal": 0, "good": 0, "anomaly": 1, "error": 1}
MANIFEST = "dataset-manifest.json"
GENERATED = {MANIFEST, "meta.json", "meta_train.json", "meta_test.json"}


@dataclass
class Sample:
    path: str          # absolute
    cls: str           # class path relative to the dataset root, e.g. "COMP/product"
    split: str
    defect: str        # "good" or the defect folder name
    label: int         # 0 normal, 1 anomalous
    mask: str = None   # absolute mask path or None
    description: str = ""


def find_classes(root):
    """Class folders: every folder holding train/ or test/ (searched recursively)."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: dataset folder not found")
    found, stack = [], [root]
    while stack:
        d = stack.pop()
        if any((d / s).is_dir() for s in SPLITS):
            found.append(d)
        else:
            stack.extend(sorted((p for p in d.iterdir() if p.is_dir()), reverse=True))
    if not found:
        raise DatasetError(f"{root}: no class folder with train/ or test/ inside; lay the data out as "
                           f"<class>/train/good/*.png (MVTec style)")
    return found


def load_label_records(class_dir):
    """{image_id: (label 0/1, description)} from labels.csv or labels.json in a class folder."""
    records = {}
    csv_path, json_path = class_dir / "labels.csv", class_dir / "labels.json"
    if csv_path.is_file():
        with open(csv_path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        source = csv_path
    elif json_path.is_file():
        try:
            rows = json.loads(json_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise DatasetError(f"{json_path}: not valid JSON ({e})") from None
        rows = rows.get("records", rows) if isinstance(rows, dict) else rows
        source = json_path
    else:
        return records
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict) or "image_id" not in row or "label" not in row:
            raise DatasetError(f"{source}: record {n} lacks image_id/label; columns are image_id,label,description")
        label = str(row["label"]).strip().lower()
        if label not in LABELS:
            raise DatasetError(f"{source}: record {n} ({row['image_id']}) has label {row['label']!r}; "
                               f"use normal, anomaly or error")
        records[str(row["image_id"]).strip()] = (LABELS[label], str(row.get("description") or ""))
    return records


def _mask_for(class_dir, defect, image):
    for name in (f"{image.stem}_mask.png", f"{image.stem}.png"):
        p = class_dir / "ground_truth" / defect / name
        if p.is_file():
            return str(p)
    return None


def scan(root):
    """All samples under root, both splits, sorted for determinism."""
    root = Path(root)
    samples = []
    for class_dir in find_classes(root):
        cls = class_dir.relative_to(root).as_posix() if class_dir != root else root.name
        records = load_label_records(class_dir)
        used = set()
        for split in SPLITS:
            split_dir = class_dir / split
            if not split_dir.is_dir():
                continue
            for defect_dir in sorted(p for p in split_dir.iterdir() if p.is_dir()):
                for img in sorted(p for p in defect_dir.rglob("*") if p.suffix.lower() in IMAGE_EXTS):
                    defect = defect_dir.name
                    label, desc = (0 if defect == "good" else 1), ""
                    for key in (img.name, img.stem, img.relative_to(class_dir).as_posix()):
                        if key in records:
                            label, desc = records[key]
                            used.add(key)
                            break
                    mask = _mask_for(class_dir, defect, img) if label else None
                    samples.append(Sample(str(img), cls, split, defect, label, mask, desc))
        unknown = sorted(set(records) - used)
        if unknown:
            raise DatasetError(f"{class_dir}: label records name images that do not exist: {unknown[:5]}; "
                               f"fix image_id in the labels file or restore the images")
    return samples


def select(samples, split):
    chosen = [s for s in samples if s.split == split]
    if not any(s.label == 0 for s in chosen):
        raise DatasetError(f"no good images in the {split} split; put normal images in "
                           f"<class>/{split}/good/ (AnomalyCLIP needs normal examples)")
    return chosen


def read_image(path, size=None):
    """RGB uint8 [H,W,3], resized bilinearly to size x size, or to (width, height) when size is a tuple."""
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise DatasetError(f"{path}: cannot be read as an image (corrupt or not an image); replace or remove it")
    img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    if not size:
        return img
    return cv2.resize(img, size if isinstance(size, tuple) else (size, size), interpolation=cv2.INTER_LINEAR)


def read_mask(path, image_path, size=None):
    """Binary float32 mask; must match its image's size (a mismatch means a wrong pairing)."""
    mask = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if mask is None:
        raise DatasetError(f"{path}: mask cannot be read; redraw it as a PNG")
    img = cv2.imread(str(image_path), cv2.IMREAD_UNCHANGED)
    if img is not None and img.shape[:2] != mask.shape[:2]:
        raise DatasetError(f"{path}: mask is {mask.shape[1]}x{mask.shape[0]} but image {image_path} is "
                           f"{img.shape[1]}x{img.shape[0]}; masks must have the image's size")
    if size:
        mask = cv2.resize(mask, (size, size), interpolation=cv2.INTER_NEAREST)
    return (mask > 127).astype(np.float32)


def write_meta(root):
    """meta.json ({"train": {cls: [...]}, "test": {...}}) plus meta_train.json / meta_test.json."""
    root = Path(root)
    meta = {split: {} for split in SPLITS}
    for s in scan(root):
        meta[s.split].setdefault(s.cls, []).append({
            "img_path": Path(s.path).relative_to(root).as_posix(),
            "mask_path": Path(s.mask).relative_to(root).as_posix() if s.mask else "",
            "cls_name": s.cls, "specie_name": s.defect, "anomaly": s.label, "description": s.description,
        })
    (root / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    for split in SPLITS:
        (root / f"meta_{split}.json").write_text(json.dumps(meta[split], indent=2) + "\n")
    return meta


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _data_files(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file() and p.name not in GENERATED)


def hash_dataset(root):
    """Write dataset-manifest.json with SHA-256 and size of every file under root."""
    root = Path(root)
    files = {p.relative_to(root).as_posix(): {"sha256": _sha256(p), "bytes": p.stat().st_size}
             for p in _data_files(root)}
    (root / MANIFEST).write_text(json.dumps({"format": 1, "files": files}, indent=2) + "\n")
    return files


def verify_dataset(root):
    """Check every file against dataset-manifest.json. Returns False when there is no manifest."""
    root = Path(root)
    path = root / MANIFEST
    if not path.is_file():
        return False
    try:
        recorded = json.loads(path.read_text())["files"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise DatasetIntegrityError(f"{path}: malformed; re-create it with hash-dataset") from None
    present = {p.relative_to(root).as_posix(): p for p in _data_files(root)}
    fix = "restore the file, or run hash-dataset again if the change is intended"
    for rel, info in recorded.items():
        if rel not in present:
            raise DatasetIntegrityError(f"{root / rel}: listed in {MANIFEST} but missing; {fix}")
        p = present[rel]
        if p.stat().st_size != info["bytes"] or _sha256(p) != info["sha256"]:
            raise DatasetIntegrityError(f"{p}: SHA-256 differs from {MANIFEST}; {fix}")
    extra = sorted(set(present) - set(recorded))
    if extra:
        raise DatasetIntegrityError(f"{root / extra[0]}: not in {MANIFEST} ({len(extra)} new files); {fix}")
    return True

