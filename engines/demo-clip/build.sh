#!/usr/bin/env bash
# Rebuilds the demo CLIP package in this folder from nothing, deterministically:
#   tiny random-weight CLIP (seed 1) -> trainer export at 224 px (placeholder memory bank)
#   -> edge-inspector enroll on the agent's 40 synthetic good parts (seed 7)
#   -> edge-inspector eval on 60 held-out synthetic parts (seed 11), printed, not written.
# Usage: engines/demo-clip/build.sh        (needs the .NET 10 SDK and python3-torch/onnx/opencv)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

trainer() { PYTHONPATH="$root/src/trainer" "$py" -m edgeinspector_trainer "$@"; }
dotnet build "$root/src/EdgeInspector.Cli" -c Release -v q -nologo >/dev/null
ei() { dotnet "$root/src/EdgeInspector.Cli/bin/Release/net10.0/edge-inspector.dll" "$@"; }

trainer make-tiny-clip --out "$work/clip" --seed 1
trainer export --clip "$work/clip" --out "$work/exported" --image-size 224 --enrollable \
    --name demo-clip --version 1
ei demo-images --out "$work/good" --count 40 --seed 7 --defect-fraction 0
ei enroll --model "$work/exported" --good "$work/good" --out "$work/enrolled" --max-bank 512
rm -f "$here/manifest.json" "$here/model.onnx" "$here/features.onnx"
cp "$work/enrolled/manifest.json" "$work/enrolled/model.onnx" "$work/enrolled/features.onnx" "$here/"

ei demo-images --out "$work/heldout" --count 60 --seed 11 --mvtec
ei eval --model "$here" --data "$work/heldout"
du -cb "$here/manifest.json" "$here/model.onnx" "$here/features.onnx" | tail -1
