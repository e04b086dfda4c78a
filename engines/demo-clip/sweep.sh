#!/usr/bin/env bash
# The demo recipe (recipe.sh, what build.sh ships) for several make-tiny-clip seeds and several
# held-out sets, through the real serving path: trainer export --enrollable -> edge-inspector
# enroll -> edge-inspector eval --json. Prints one row per (CLIP seed, held-out set), then the
# mean and min of image AUROC over all rows, and the INT8 model of the shipped seed on every set.
# Nothing is written into the repository.
# Usage: engines/demo-clip/sweep.sh [--seeds "0 1 2 3 4"] [--heldout "11 13 17"] [--text-weight W]
#   --text-weight 0.5 reproduces the earlier recipe (text and memory maps averaged).
# About 40 s per seed plus 5 s per held-out set on 2 CPU cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=engines/demo-clip/recipe.sh
source "$here/recipe.sh"
seeds="0 1 2 3 4"
heldout="11 13 17"
while (($#)); do
  case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --heldout) heldout=$2; shift 2 ;;
    --text-weight) TEXT_WEIGHT=$2; shift 2 ;;
    *) echo "usage: $0 [--seeds \"0 1 2 3 4\"] [--heldout \"11 13 17\"] [--text-weight W]" >&2; exit 2 ;;
  esac
done
use_tools

ei demo-images --out "$work/good" --count "$GOOD_COUNT" --seed "$GOOD_SEED" --defect-fraction 0 >/dev/null
for h in $heldout; do
  ei demo-images --out "$work/heldout-$h" --count "$HELDOUT_COUNT" --seed "$h" --mvtec >/dev/null
done

row() { # seed heldout precision json
  jq -r --arg s "$1" --arg h "$2" --arg p "$3" \
    '[$s, $h, $p, (.image_auroc, .image_ap, .f1_max, (.pixel_auroc // 0), .ms_per_image | tostring)] | @tsv' <<<"$4"
}
results="$work/results.tsv"
: >"$results"
for s in $seeds; do
  int8_args=()
  [[ "$s" == "$CLIP_SEED" ]] && int8_args=(--int8 --calibration "$work/good")
  trainer make-tiny-clip --out "$work/clip-$s" --seed "$s" >/dev/null
  trainer export --clip "$work/clip-$s" --out "$work/exported-$s" --image-size "$IMAGE_SIZE" --enrollable \
      --text-weight "$TEXT_WEIGHT" "${int8_args[@]}" --name demo-clip --version 1 >/dev/null
  ei enroll --model "$work/exported-$s" --good "$work/good" --out "$work/enrolled-$s" --max-bank "$MAX_BANK" >/dev/null
  for h in $heldout; do
    row "$s" "$h" fp32 "$(ei eval --model "$work/enrolled-$s" --data "$work/heldout-$h" --json)" >>"$results"
    if ((${#int8_args[@]})); then
      row "$s" "$h" int8 "$(ei eval --model "$work/enrolled-$s" --data "$work/heldout-$h" --json --precision int8)" >>"$results"
    fi
  done
done

echo "recipe: image ${IMAGE_SIZE} px, text weight ${TEXT_WEIGHT}, bank ${MAX_BANK}, ${GOOD_COUNT} good parts (seed ${GOOD_SEED}), held-out sets of ${HELDOUT_COUNT}"
"$py" - "$results" "$CLIP_SEED" <<'PY'
import sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
shipped = sys.argv[2]
print(f"{'clip seed':>9} {'held-out':>8} {'prec':>4} {'AUROC':>6} {'AP':>6} {'F1-max':>6} {'pixAUROC':>8} {'ms/img':>6}")
for s, h, p, auc, ap, f1, pix, ms in rows:
    print(f"{s:>9} {h:>8} {p:>4} {float(auc):6.3f} {float(ap):6.3f} {float(f1):6.3f} {float(pix):8.4f} {float(ms):6.1f}")
fp = [r for r in rows if r[2] == "fp32"]
aucs = [float(r[3]) for r in fp]
print(f"FP32 image AUROC over {len(fp)} (seed, set) pairs: mean {sum(aucs) / len(aucs):.4f}, min {min(aucs):.4f}")
for s in dict.fromkeys(r[0] for r in fp):
    a = [float(r[3]) for r in fp if r[0] == s]
    print(f"  clip seed {s}: mean {sum(a) / len(a):.4f}, min {min(a):.4f}")
i8 = {r[1]: float(r[3]) for r in rows if r[2] == "int8"}
for h, a in i8.items():
    f = next(float(r[3]) for r in fp if r[0] == shipped and r[1] == h)
    print(f"INT8 (clip seed {shipped}) held-out {h}: AUROC {a:.4f}, FP32 - INT8 = {f - a:+.4f}")
PY
