import numpy as np

from edgeinspector_trainer.datasets import scan, select
from edgeinspector_trainer.train import TrainingSet, latest_checkpoint


def test_training_set_masks_labels_and_synthesis(mvtec_dataset):
    samples = select(scan(mvtec_dataset), "test")
    no_mask = next(s for s in samples if s.label)
    no_mask.mask = None
    ds = TrainingSet(samples, 32, synth=1.0, seed=0)
    items = [ds[i] for i in range(len(ds))]
    for s, (img, mask, label, valid) in zip(samples, items):
        assert img.shape == (32, 32, 3) and mask.shape == (32, 32)
        assert int(label) == 1  # synth=1: every good image became a synthetic anomaly
        assert bool(valid) == (s is not no_mask)
        if s.label == 0:
            assert mask.sum() > 0
    again = ds[0]
    assert np.array_equal(again[0].numpy(), items[0][0].numpy())  # same (seed, epoch, index) -> same sample
    ds.epoch = 1
    assert not np.array_equal(ds[0][0].numpy(), items[0][0].numpy())


def test_latest_checkpoint_orders_numerically(tmp_path):
    assert latest_checkpoint(tmp_path) is None
    for n in (2, 10, 9):
        (tmp_path / f"epoch_{n}.pth").write_bytes(b"")
    assert latest_checkpoint(tmp_path).name == "epoch_10.pth"
