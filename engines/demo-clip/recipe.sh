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

# shellcheck source=engines/tools.sh
source "$root/engines/tools.sh"
