import json
import subprocess
import sys
from pathlib import Path

import onnx
import torch

from edgeinspector_trainer.cli import main

SRC = Path(__file__).resolve().parents[2] / "src" / "trainer"


def test_make_tiny_clip_as_module(tmp_path):
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "edgeinspector_trainer", "make-tiny-clip", "--out", str(tmp_path / "c")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert {p.name for p in (tmp_path / "c").iterdir()} == {"config.json", "model.safetensors", "vocab.json",
                                                            "merges.txt"}


def test_train_resume_export(tiny_clip_dir, mvtec_dataset, tmp_path, capsys):
    assert main(["hash-dataset", "--data", str(mvtec_dataset)]) == 0
    run = tmp_path / "run"
    args = ["train", "--clip", str(tiny_clip_dir), "--data", str(mvtec_dataset), "--out", str(run),
            "--batch-size", "2", "--seed", "3"]
    assert main(args + ["--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "every file matches" in out and "epoch 1/1 step 2/2 loss" in out
    assert main(args + ["--epochs", "2", "--resume"]) == 0
    assert "resumed from" in capsys.readouterr().out
    resumed = torch.load(str(run / "epoch_2.pth"))
    assert resumed["epoch"] == 2 and (run / "prompts.pt").is_file()

    # Deterministic: a fresh 2-epoch run with the same seed learns the same prompts.
    fresh = tmp_path / "fresh"
    assert main(args[:-4] + ["--out", str(fresh), "--batch-size", "2", "--seed", "3", "--epochs", "2"]) == 0
    a, b = torch.load(str(run / "prompts.pt")), torch.load(str(fresh / "prompts.pt"))
    for k in a["prompt_learner"]:
        torch.testing.assert_close(a["prompt_learner"][k], b["prompt_learner"][k])

    pkg = tmp_path / "pkg"
    assert main(["export", "--clip", str(tiny_clip_dir), "--out", str(pkg), "--prompts", str(run / "prompts.pt"),
                 "--good", str(mvtec_dataset / "COMP/widget/train/good")]) == 0
    manifest = json.loads((pkg / "manifest.json").read_text())
    assert "trained prompts" in manifest["description"] and set(manifest["files"]) == {"model.onnx", "features.onnx"}
    onnx.checker.check_model(onnx.load(str(pkg / "model.onnx")))


def test_errors_are_one_line_with_exit_code_2(tmp_path, mvtec_dataset, capsys, tiny_clip_dir):
    assert main(["export", "--clip", str(tmp_path / "nothing"), "--out", str(tmp_path / "p")]) == 2
    assert "error: " in capsys.readouterr().err
    assert main(["hash-dataset", "--data", str(mvtec_dataset)]) == 0
    (mvtec_dataset / "COMP/widget/train/good/000.png").write_bytes(b"changed")
    assert main(["train", "--clip", str(tiny_clip_dir), "--data", str(mvtec_dataset), "--out", str(tmp_path / "r"),
                 "--epochs", "1"]) == 2
    assert "000.png: SHA-256 differs" in capsys.readouterr().err
