#!/usr/bin/env bash
# One model package, enrolled and scored through the serving path on surfaces it has never seen:
# the 4 procedural surfaces (edge-inspector demo-images --surface) and 3 real photographs
# (--photo, from Debian's python3-skimage). Per surface:
#   demo-images (TRAIN_COUNT good parts, seed --train-seed; photos: the left 60 % of the photograph)
#   -> edge-inspector enroll --model PKG -> edge-inspector eval --json on a test set in MVTec layout
#   (TEST_COUNT parts, ~30 % with defects and masks; photos: the right 40 %) for each test seed,
#   FP32, and INT8 too when the enrolled package has an INT8 model.
# Prints one row per (surface, precision): image AUROC, image AP, F1-max, pixel AUROC, AUPRO
# (means over the test seeds), then the means over procedural surfaces, photos and all.
# Usage: engines/benchmarks/surfaces.sh --model PKG [--validation] [--heldout-seeds "11"]
#          [--validation-seeds "29 31"] [--train-seed 7] [--train-count 40] [--test-count 60]
#          [--surfaces "brushed-metal cast-metal woven-fabric moulded-plastic"] [--photos "brick grass gravel"]
#          [--photo-dir DIR] [--max-bank N] [--tsv FILE]
#   Tune on --validation (the validation seeds); report the held-out seeds (the default), and never
#   tune on them. Nothing is written into the repository or PKG; --tsv keeps the raw rows.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=engines/tools.sh
source "$root/engines/tools.sh"
usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

# The counts and seeds of the engines' recipes (GOOD_*, HELDOUT_*), so the numbers compare with
# their build.sh and engines/demo-clip/textures.sh: 40 good parts of seed 7, 60 test parts of seed 11.
model=""
surfaces="brushed-metal cast-metal woven-fabric moulded-plastic"
photos="brick grass gravel"
heldout_seeds=11
validation_seeds="29 31"
which=heldout
train_seed=7
train_count=40
test_count=60
photo_dir=()
bank=()
tsv=""
while (($#)); do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --surfaces) surfaces=$2; shift 2 ;;
    --photos) photos=$2; shift 2 ;;
    --heldout-seeds) heldout_seeds=$2; shift 2 ;;
    --validation-seeds) validation_seeds=$2; shift 2 ;;
    --validation) which=validation; shift ;;
    --train-seed) train_seed=$2; shift 2 ;;
    --train-count) train_count=$2; shift 2 ;;
    --test-count) test_count=$2; shift 2 ;;
    --photo-dir) photo_dir=(--photo-dir "$2"); shift 2 ;;
    --max-bank) bank=(--max-bank "$2"); shift 2 ;;
    --tsv) tsv=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ -n "$model" ]] || usage
[[ -f "$model/manifest.json" ]] || { echo "error: '$model' is not a model package (no manifest.json)" >&2; exit 2; }
model=$(cd "$model" && pwd)
if [[ $which == validation ]]; then seeds=$validation_seeds; else seeds=$heldout_seeds; fi
for s in $heldout_seeds; do
  if [[ " $validation_seeds $train_seed " == *" $s "* ]]; then
    echo "error: held-out seed $s is also a validation or training seed: keep them apart" >&2
    exit 2
  fi
done
if [[ " $validation_seeds " == *" $train_seed "* ]]; then
  echo "error: validation seed $train_seed is also the training seed" >&2
  exit 2
fi
use_tools

results="$work/results.tsv"
: >"$results"
bench() { # kind name demo-images-flags...
  local kind=$1 name=$2
  shift 2
  local dir="$work/$name"
  ei demo-images --out "$dir/train" "$@" --count "$train_count" --seed "$train_seed" --defect-fraction 0 >/dev/null
  ei enroll --model "$model" --good "$dir/train" --out "$dir/enrolled" "${bank[@]}" >/dev/null
  local precisions=(fp32)
  jq -e '.models.int8 // .files["model.int8.onnx"]' "$dir/enrolled/manifest.json" >/dev/null && precisions+=(int8)
  for seed in $seeds; do
    ei demo-images --out "$dir/test-$seed" "$@" --count "$test_count" --seed "$seed" --mvtec >/dev/null
    for p in "${precisions[@]}"; do
      ei eval --model "$dir/enrolled" --data "$dir/test-$seed" --json --precision "$p" |
        jq -r --arg k "$kind" --arg s "$name" --arg seed "$seed" --arg p "$p" \
          '[$k, $s, $seed, $p, (.image_auroc, .image_ap, .f1_max, (.pixel_auroc // "nan"), (.aupro // "nan"), .ms_per_image | tostring)] | @tsv' >>"$results"
    done
  done
  echo "  $name done" >&2
}

name=$(jq -r '"\(.name) v\(.version)"' "$model/manifest.json")
echo "benchmarking $name on $which seeds ($seeds): $train_count good parts (seed $train_seed) enrolled per surface, $test_count test parts per seed" >&2
for s in $surfaces; do bench procedural "$s" --surface "$s"; done
for p in $photos; do bench photo "$p" --photo "$p" "${photo_dir[@]}"; done
if [[ -n "$tsv" ]]; then cp "$results" "$tsv"; fi

echo "model $name, $which seeds ($seeds), $train_count good parts (seed $train_seed) enrolled per surface, $test_count test parts per seed"
"$py" - "$results" <<'PY'
import math, sys
from collections import defaultdict
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
cols = ["img AUROC", "img AP", "F1-max", "pix AUROC", "AUPRO"]
by = defaultdict(list)  # (kind, surface, precision) -> metric rows over seeds
for kind, surface, _seed, p, *values in rows:
    by[(kind, surface, p)].append([float(v) for v in values[:5]])

def mean(values):
    values = [v for v in values if not math.isnan(v)]
    return sum(values) / len(values) if values else float("nan")

def line(label, p, metrics):
    return f"{label:>16} {p:>4} " + " ".join(f"{m:9.4f}" if not math.isnan(m) else f"{'-':>9}" for m in metrics)

print(f"{'surface':>16} {'prec':>4} " + " ".join(f"{c:>9}" for c in cols))
surface_means = {}
for (kind, surface, p), seeds in by.items():
    surface_means[(kind, surface, p)] = [mean(col) for col in zip(*seeds)]
    print(line(surface, p, surface_means[(kind, surface, p)]))
for p in dict.fromkeys(k[2] for k in by):
    for label, kinds in (("mean procedural", {"procedural"}), ("mean photo", {"photo"}), ("mean all", {"procedural", "photo"})):
        chosen = [m for (kind, _s, pp), m in surface_means.items() if pp == p and kind in kinds]
        if chosen:
            print(line(label, p, [mean(col) for col in zip(*chosen)]))
PY
