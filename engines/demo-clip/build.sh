#!/usr/bin/env bash
# Rebuilds the demo CLIP package in this folder from nothing, deterministically (recipe.sh):
#   tiny random-weight CLIP (seed 1) -> trainer export at 224 px, memory-only fusion (text
#   weight 0), placeholder memory bank (FP32 model.onnx + INT8 QDQ model.int8.onnx calibrated
#   on the 40 good parts) -> edge-inspector enroll on the agent's 40 synthetic good parts (seed 7)
#   -> edge-inspector eval on 60 held-out synthetic parts (seed 11), printed, not written.
# Usage: engines/demo-clip/build.sh [--int8]   (needs the .NET 10 SDK and python3-torch/onnx/opencv)
#   --int8: also ship model.int8.onnx (INT8 QDQ, calibrated on the 40 good parts; +1.3 MB, so
#   the folder grows to about 6.2 MiB) and evaluate both precisions.
# engines/demo-clip/sweep.sh runs the same recipe for other CLIP seeds and held-out sets.
set -euo pipefail
int8=0
[[ "${1:-}" == "--int8" ]] && int8=1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=engines/demo-clip/recipe.sh
source "$here/recipe.sh"
use_tools

trainer make-tiny-clip --out "$work/clip" --seed "$CLIP_SEED"
ei demo-images --out "$work/good" --count "$GOOD_COUNT" --seed "$GOOD_SEED" --defect-fraction 0
# INT8: calibrated on the same good parts (the bank lives in the float head, so the placeholder
# bank does not change the ranges); enroll then writes the real bank into both models.
int8_args=()
((int8)) && int8_args=(--int8 --calibration "$work/good")
trainer export --clip "$work/clip" --out "$work/exported" --image-size "$IMAGE_SIZE" --enrollable \
    --text-weight "$TEXT_WEIGHT" "${int8_args[@]}" --name demo-clip --version 1
ei enroll --model "$work/exported" --good "$work/good" --out "$work/enrolled" --max-bank "$MAX_BANK"
rm -f "$here/manifest.json" "$here/model.onnx" "$here/model.int8.onnx" "$here/features.onnx"
files=(manifest.json model.onnx features.onnx)
((int8)) && files+=(model.int8.onnx)
for f in "${files[@]}"; do cp "$work/enrolled/$f" "$here/"; done

ei demo-images --out "$work/heldout" --count "$HELDOUT_COUNT" --seed "$HELDOUT_SEED" --mvtec
ei eval --model "$here" --data "$work/heldout"
((int8)) && ei eval --model "$here" --data "$work/heldout" --precision int8
(cd "$here" && du -cb "${files[@]}" | tail -1)
