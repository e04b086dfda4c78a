import torch

from edgeinspector_trainer.anomalyclip import (AnomalyCLIP, anomalyclip_loss, dice_loss, focal_loss,
                                               normalize_images)


def _model(tiny_clip, **kw):
    torch.manual_seed(0)
    return AnomalyCLIP(*tiny_clip, **kw)


def test_forward_shapes_and_settings(tiny_clip):
    model = _model(tiny_clip)
    assert model.prompt_learner.depth == 4  # depth 9 clamped to the 4 text layers
    assert len(model.prompt_learner.deep_prompts) == 3
    assert model.prompt_learner.ctx_pos.shape == (1, 12, 128)
    assert model.feature_layers == [1, 2, 3, 4] and model.dpam == 3
    text = model.text_features()
    assert text.shape == (2, 64)
    torch.testing.assert_close(text.norm(dim=-1), torch.ones(2))
    out = model(torch.randn(3, 3, 32, 32))
    assert out["logits"].shape == (3, 2)
    assert len(out["maps"]) == 4 and out["maps"][0].shape == (3, 2, 32, 32)
    torch.testing.assert_close(out["maps"][0].sum(1), torch.ones(3, 32, 32))


def test_dpam_changes_only_the_local_path(tiny_clip):
    x = torch.randn(2, 3, 32, 32)
    plain, dual = _model(tiny_clip, dpam=0), _model(tiny_clip, dpam=4)
    g0, p0 = plain.image_features(x)
    g1, p1 = dual.image_features(x)
    torch.testing.assert_close(g0, g1)  # the original path (global feature) is untouched
    assert (p0[-1] - p1[-1]).abs().max() > 1e-3


def test_losses_match_reference_behaviour():
    gt = torch.zeros(1, 4, 4)
    gt[0, :2] = 1
    perfect = torch.stack([1 - gt, gt], 1)
    assert focal_loss(perfect, gt) < 1e-6
    assert dice_loss(gt, gt) < 1e-6
    assert focal_loss(torch.stack([gt, 1 - gt], 1), gt) > 1.0


def test_training_step_lowers_loss_and_keeps_clip_frozen(tiny_clip):
    model = _model(tiny_clip)
    clip_before = {k: v.clone() for k, v in model.clip.state_dict().items()}
    torch.manual_seed(1)
    images = normalize_images(torch.randint(0, 256, (4, 32, 32, 3), dtype=torch.uint8))
    masks = torch.zeros(4, 32, 32)
    masks[2:, 8:16, 8:24] = 1
    labels = torch.tensor([0, 0, 1, 1])
    valid = torch.ones(4, dtype=torch.bool)
    opt = torch.optim.Adam(model.prompt_learner.parameters(), lr=1e-2, betas=(0.5, 0.999))
    losses = []
    for _ in range(5):
        loss = anomalyclip_loss(model(images), labels, masks, valid)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < losses[0]
    for k, v in model.clip.state_dict().items():
        assert torch.equal(v, clip_before[k]), k


def test_zero_shot_prompt_ensemble(tiny_clip):
    from edgeinspector_trainer.anomalyclip import zero_shot_text_features

    text = zero_shot_text_features(*tiny_clip)
    assert text.shape == (2, 64)
    torch.testing.assert_close(text.norm(dim=-1), torch.ones(2))
    assert not torch.allclose(text[0], text[1])
