"""Few-shot normal memory (PatchCore style): patch features of good images, greedy coreset,
nearest-neighbour cosine distance. Complements the text prompts with what *this* product's
good surface looks like."""
import torch
import torch.nn.functional as F


def patch_embeddings(patches):
    """Per-patch embedding from the per-layer patch features: their mean, renormalised [N,P,E]."""
    return F.normalize(torch.stack(patches, 0).mean(0), dim=-1)


def greedy_coreset(features, size, seed=0, proj_dim=128):
    """Indices of `size` rows chosen by k-center greedy (farthest point first).

    Keeps the bank small for the edge while covering every kind of normal patch. Selection runs
    on a random projection to proj_dim (Johnson-Lindenstrauss, as PatchCore does) so large
    banks stay fast; for unit vectors squared distance ranks like cosine distance."""
    n = features.shape[0]
    if size >= n:
        return torch.arange(n)
    g = torch.Generator().manual_seed(seed)
    x = features.float()
    if x.shape[1] > proj_dim:
        x = x @ (torch.randn(x.shape[1], proj_dim, generator=g) / proj_dim ** 0.5)
    sq = (x * x).sum(1)

    def dist_to(i):  # |x - x_i|^2 via one mat-vec (no N x D temporary per step)
        return sq - 2 * (x @ x[i]) + sq[i]

    chosen = [int(torch.randint(n, (1,), generator=g))]
    dist = dist_to(chosen[0])
    for _ in range(size - 1):
        idx = int(dist.argmax())
        chosen.append(idx)
        dist = torch.minimum(dist, dist_to(idx))
    return torch.tensor(chosen)


def build_memory_bank(features, ratio=0.1, min_size=1024, max_size=4096, seed=0):
    """features [N,P,E] of good images -> bank [M,E]: all patches while they are few (few-shot),
    else a coreset of `ratio` of them, at least min_size and at most max_size (the kNN runs on
    the edge for every patch)."""
    flat = features.reshape(-1, features.shape[-1])
    n = flat.shape[0]
    size = min(max_size, max(min(n, min_size), int(round(n * ratio))))
    return flat[greedy_coreset(flat, size, seed)].contiguous()


def memory_distance(patch, bank):
    """patch [N,P,E], bank [M,E] (both normalised) -> kNN (k=1) cosine distance / 2, in [0,1]."""
    return (1 - (patch @ bank.t()).amax(-1)) / 2
