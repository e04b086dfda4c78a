#!/usr/bin/env bash
# The demo recipe (recipe.sh) on synthetic surfaces the random-weight backbone has never seen,
# through the serving path, one package per surface as a product would get one:
#   demo-images --surface S (40 good, seed GOOD_SEED) -> trainer export --enrollable --int8
#   (INT8 calibrated on those good parts) -> edge-inspector enroll -> edge-inspector eval --json
#   on a held-out MVTec-layout set of S (HELDOUT_COUNT parts, another seed, defects with masks),
#   FP32 and INT8. Prints one row per (surface, held-out set, precision), the mean FP32 image
#   AUROC over surfaces and FP32 - INT8 per surface. Nothing is written into the repository.
# Usage: engines/demo-clip/textures.sh [--surfaces "brushed-metal cast-metal woven-fabric moulded-plastic"]
#          [--heldout "11"] [--max-bank N] [--image-size PX]
#   Tune --max-bank/--image-size on validation seeds (e.g. --heldout "29 31"), never on the
#   reported set 11. About a minute per surface on 2 CPU cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=engines/demo-clip/recipe.sh
source "$here/recipe.sh"
surfaces="brushed-metal cast-metal woven-fabric moulded-plastic"
heldout=$HELDOUT_SEED
while (($#)); do
  case "$1" in
    --surfaces) surfaces=$2; shift 2 ;;
    --heldout) heldout=$2; shift 2 ;;
    --max-bank) MAX_BANK=$2; shift 2 ;;
    --image-size) IMAGE_SIZE=$2; shift 2 ;;
    *) echo "usage: $0 [--surfaces \"brushed-metal cast-metal ...\"] [--heldout \"11\"] [--max-bank N] [--image-size PX]" >&2; exit 2 ;;
  esac
done
use_tools

row() { # surface heldout precision json
  jq -r --arg s "$1" --arg h "$2" --arg p "$3" \
    '[$s, $h, $p, (.image_auroc, .image_ap, .f1_max, (.pixel_auroc // 0), .ms_per_image | tostring)] | @tsv' <<<"$4"
}
results="$work/results.tsv"
: >"$results"
trainer make-tiny-clip --out "$work/clip" --seed "$CLIP_SEED" >/dev/null
for s in $surfaces; do
  ei demo-images --out "$work/$s/good" --surface "$s" --count "$GOOD_COUNT" --seed "$GOOD_SEED" --defect-fraction 0 >/dev/null
  trainer export --clip "$work/clip" --out "$work/$s/exported" --image-size "$IMAGE_SIZE" --enrollable \
      --text-weight "$TEXT_WEIGHT" --int8 --calibration "$work/$s/good" --name demo-clip --version 1 >/dev/null
  ei enroll --model "$work/$s/exported" --good "$work/$s/good" --out "$work/$s/enrolled" --max-bank "$MAX_BANK" >/dev/null
  for h in $heldout; do
    ei demo-images --out "$work/$s/heldout-$h" --surface "$s" --count "$HELDOUT_COUNT" --seed "$h" --mvtec >/dev/null
    for p in fp32 int8; do
      row "$s" "$h" "$p" "$(ei eval --model "$work/$s/enrolled" --data "$work/$s/heldout-$h" --json --precision "$p")" >>"$results"
    done
  done
done

echo "recipe: CLIP seed ${CLIP_SEED}, image ${IMAGE_SIZE} px, text weight ${TEXT_WEIGHT}, bank ${MAX_BANK}, ${GOOD_COUNT} good parts per surface (seed ${GOOD_SEED}), held-out sets of ${HELDOUT_COUNT}"
"$py" - "$results" <<'PY'
import sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
print(f"{'surface':>16} {'held-out':>8} {'prec':>4} {'AUROC':>6} {'AP':>6} {'F1-max':>6} {'pixAUROC':>8} {'ms/img':>6}")
for s, h, p, auc, ap, f1, pix, ms in rows:
    print(f"{s:>16} {h:>8} {p:>4} {float(auc):6.3f} {float(ap):6.3f} {float(f1):6.3f} {float(pix):8.4f} {float(ms):6.1f}")
auc = {(s, h, p): float(a) for s, h, p, a, *_ in rows}
for h in dict.fromkeys(r[1] for r in rows):
    fp = {s: a for (s, hh, p), a in auc.items() if hh == h and p == "fp32"}
    i8 = {s: a for (s, hh, p), a in auc.items() if hh == h and p == "int8"}
    deltas = {s: fp[s] - i8[s] for s in fp}
    print(f"held-out {h}: mean image AUROC over {len(fp)} surfaces: FP32 {sum(fp.values()) / len(fp):.4f} "
          f"(min {min(fp.values()):.4f}), INT8 {sum(i8.values()) / len(i8):.4f}")
    print("  FP32 - INT8: " + ", ".join(f"{s} {d:+.4f}" for s, d in deltas.items())
          + f"; largest loss {max(deltas.values()):+.4f}")
PY
