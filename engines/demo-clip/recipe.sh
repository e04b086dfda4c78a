# The demo package's recipe, shared by build.sh, sweep.sh and textures.sh so they measure what ships.
# shellcheck shell=bash disable=SC2034,SC2154  # settings read by, and $root set by, the sourcing script
CLIP_SEED=1          # make-tiny-clip --seed of the shipped package (any seed meets the bar: sweep.sh)
IMAGE_SIZE=224
TEXT_WEIGHT=0        # memory bank only: a random-weight CLIP's prompts carry no meaning
MAX_BANK=512
GOOD_SEED=7          # demo-images --seed of the 40 good parts enrolled
GOOD_COUNT=40
HELDOUT_SEED=11      # demo-images --seed of the 60 held-out parts build.sh evaluates on
HELDOUT_COUNT=60

# The two tools the scripts drive (the CLI built once, Release) and a scratch folder $work removed
# on exit; call after the flags are parsed. Needs $root.
use_tools() {
  py=${PYTHON:-/usr/bin/python3}
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  dotnet build "$root/src/EdgeInspector.Cli" -c Release -v q -nologo >/dev/null
}
trainer() { PYTHONPATH="$root/src/trainer" "$py" -m edgeinspector_trainer "$@"; }
ei() { dotnet "$root/src/EdgeInspector.Cli/bin/Release/net10.0/edge-inspector.dll" "$@"; }
