import torch
import torch.nn.functional as F

from edgeinspector_trainer.memory_bank import build_memory_bank, greedy_coreset, memory_distance


def test_coreset_picks_spread_points():
    feats = F.normalize(torch.tensor([[1.0, 0], [0.99, 0.01], [0, 1.0], [-1.0, 0], [0.98, 0.02]]), dim=-1)
    chosen = set(greedy_coreset(feats, 3, seed=0).tolist())
    assert {2, 3} <= chosen  # the far-apart directions are always covered
    assert len(chosen) == 3


def test_bank_members_have_zero_distance_and_others_positive():
    torch.manual_seed(0)
    feats = F.normalize(torch.randn(2, 10, 8), dim=-1)
    bank = build_memory_bank(feats, ratio=1.0)
    assert bank.shape == (20, 8)
    assert memory_distance(feats, bank).abs().max() < 1e-6
    other = F.normalize(torch.randn(1, 5, 8), dim=-1)
    d = memory_distance(other, bank)
    assert d.shape == (1, 5) and (d > 0).all() and (d <= 1).all()


def test_bank_keeps_few_shot_patches_and_coresets_large_sets():
    torch.manual_seed(0)
    few = F.normalize(torch.randn(3, 49, 8), dim=-1)
    assert build_memory_bank(few).shape == (147, 8)  # few-shot: every patch is kept
    many = F.normalize(torch.randn(300, 49, 8), dim=-1)
    assert build_memory_bank(many, ratio=0.1).shape == (1470, 8)
    assert build_memory_bank(many, ratio=0.5, max_size=2000).shape == (2000, 8)
