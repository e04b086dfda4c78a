"""AnomalyCLIP prompt training: frozen CLIP, Adam on the prompt learner, one checkpoint per
epoch (epoch_N.pth) plus the latest learned prompts (prompts.pt) for export."""
import random
import re
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from .anomalyclip import AnomalyCLIP, anomalyclip_loss, normalize_images
from .clip_model import load_clip
from .datasets import read_image, read_mask, scan, select, verify_dataset
from .errors import CheckpointError
from .synth import synthesize

PROMPTS_FILE = "prompts.pt"
# Settings that shape the prompt learner / model: a resumed or exported run must match them.
SHAPING = ("n_ctx", "depth", "deep_tokens", "dpam", "clip")


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


class TrainingSet(Dataset):
    """Samples at the model size; good images become synthetic anomalies with probability
    `synth`. Randomness derives from (seed, epoch, index), so a resumed run repeats exactly."""

    def __init__(self, samples, size, synth=0.5, seed=0):
        self.samples, self.size, self.synth, self.seed, self.epoch = samples, size, synth, seed, 0
        self.goods = [i for i, s in enumerate(samples) if s.label == 0]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        s = self.samples[idx]
        rng = np.random.default_rng([self.seed, self.epoch, idx])
        img = read_image(s.path, self.size)
        label, valid = s.label, True
        if s.label:
            valid = s.mask is not None  # anomalies without a mask train the image loss only
            mask = read_mask(s.mask, s.path, self.size) if valid else np.zeros((self.size,) * 2, np.float32)
        else:
            mask = np.zeros((self.size, self.size), np.float32)
            if rng.random() < self.synth:
                other = read_image(self.samples[self.goods[int(rng.integers(len(self.goods)))]].path, self.size)
                img, mask = synthesize(img, rng, other)
                label = 1
        return torch.from_numpy(img), torch.from_numpy(mask), torch.tensor(label), torch.tensor(valid)


def save_prompts(path, model, settings, epoch):
    torch.save({"format": 1, "epoch": epoch, "settings": settings,
                "prompt_learner": model.prompt_learner.state_dict()}, path)


def load_prompts(path):
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: prompts file not found; run train first or omit --prompts for zero-shot")
    try:
        ckpt = torch.load(str(path), map_location="cpu")
        return ckpt["settings"], ckpt["prompt_learner"]
    except (RuntimeError, KeyError, TypeError, EOFError) as e:
        raise CheckpointError(f"{path}: not a prompts checkpoint written by train ({e})") from None


def apply_prompt_state(model, state, source):
    expected = model.prompt_learner.state_dict()
    bad = [k for k in expected if k not in state or state[k].shape != expected[k].shape]
    if bad or set(state) - set(expected):
        raise CheckpointError(f"{source}: prompt weights do not fit this CLIP (e.g. {bad[:2]}); "
                              f"export with the --clip the prompts were trained on")
    model.prompt_learner.load_state_dict(state)


def latest_checkpoint(out_dir):
    found = [(int(m.group(1)), p) for p in Path(out_dir).glob("epoch_*.pth")
             if (m := re.fullmatch(r"epoch_(\d+)\.pth", p.name))]
    return max(found)[1] if found else None


def train(clip, data, out, epochs=15, batch_size=8, lr=1e-3, depth=9, dpam=None, image_size=None, seed=0,
          resume=False, split="train", synth=0.5, log=print):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if verify_dataset(data):
        log(f"dataset {data}: every file matches dataset-manifest.json")
    else:
        log(f"dataset {data}: no dataset-manifest.json; run hash-dataset so changed files are caught")
    samples = select(scan(data), split)
    seed_everything(seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    clip_model, tokenizer = load_clip(clip, image_size)
    model = AnomalyCLIP(clip_model, tokenizer, depth=depth, dpam=dpam).to(device)
    size = clip_model.config.image_size
    settings = dict(model.prompt_learner.settings(), dpam=model.dpam, image_size=size,
                    clip=clip_model.config.to_dict(), seed=seed, lr=lr, batch_size=batch_size)
    optimizer = torch.optim.Adam(model.prompt_learner.parameters(), lr=lr, betas=(0.5, 0.999))
    start = 1
    if resume:
        ckpt_path = latest_checkpoint(out)
        if ckpt_path is None:
            log(f"--resume: no epoch_N.pth in {out}; starting from epoch 1")
        else:
            ckpt = torch.load(str(ckpt_path), map_location=device)
            changed = [k for k in SHAPING if ckpt["settings"].get(k) != settings[k]]
            if changed:
                raise CheckpointError(f"{ckpt_path}: trained with different {changed}; resume with the same "
                                      f"--clip/--depth/--dpam/--image-size or use a new --out")
            apply_prompt_state(model, ckpt["prompt_learner"], ckpt_path)
            optimizer.load_state_dict(ckpt["optimizer"])
            start = ckpt["epoch"] + 1
            log(f"resumed from {ckpt_path} (epoch {ckpt['epoch']})")
    data_set = TrainingSet(samples, size, synth, seed)
    n_anom = sum(s.label for s in samples)
    log(f"training on {len(samples)} images ({len(samples) - n_anom} good, {n_anom} anomalous, synthetic "
        f"defects p={synth}) at {size}px on {device}; epochs {start}..{epochs}")
    history = []
    for epoch in range(start, epochs + 1):
        data_set.epoch = epoch
        loader = DataLoader(data_set, batch_size=batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(seed * 100003 + epoch))
        model.train()
        losses, t0 = [], time.time()
        for step, (images, masks, labels, valid) in enumerate(loader, 1):
            out_ = model(normalize_images(images.to(device)))
            loss = anomalyclip_loss(out_, labels.to(device), masks.to(device), valid.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
            log(f"epoch {epoch}/{epochs} step {step}/{len(loader)} loss {losses[-1]:.4f}")
        mean = float(np.mean(losses))
        history.append(mean)
        ckpt = out / f"epoch_{epoch}.pth"
        torch.save({"epoch": epoch, "loss": mean, "settings": settings, "optimizer": optimizer.state_dict(),
                    "prompt_learner": model.prompt_learner.state_dict()}, ckpt)
        save_prompts(out / PROMPTS_FILE, model, settings, epoch)
        log(f"epoch {epoch}/{epochs} mean loss {mean:.4f} ({time.time() - t0:.1f}s) -> {ckpt.name}")
    return history
