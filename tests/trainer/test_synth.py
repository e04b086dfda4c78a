import numpy as np
import pytest

from edgeinspector_trainer import synth


@pytest.mark.parametrize("kind", sorted(synth.KINDS))
def test_each_defect_kind_changes_pixels_under_its_mask(kind):
    img = np.full((64, 64, 3), 128, np.uint8)
    out, mask = synth.KINDS[kind](img, np.random.default_rng(3))
    assert out.shape == img.shape and out.dtype == np.uint8 and mask.shape == (64, 64)
    assert mask.any() and set(np.unique(mask)) <= {0.0, 1.0}
    changed = (out != img).any(-1)
    assert changed[mask == 0].sum() == 0 and changed[mask == 1].mean() > 0.5


def test_synthesize_is_deterministic_and_supports_one_class_cutmix():
    img = np.random.default_rng(0).integers(0, 255, (48, 48, 3), dtype=np.uint8)
    other = np.zeros_like(img)
    a = synth.synthesize(img, np.random.default_rng(7), other)
    b = synth.synthesize(img, np.random.default_rng(7), other)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[1].any()
