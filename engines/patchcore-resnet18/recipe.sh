# The default engine's recipe, shared by build.sh and the benchmarks so they measure what ships.
# shellcheck shell=bash disable=SC2034  # settings read by the sourcing script
IMAGE_SIZE=448x336   # model input (multiples of 16): the 640x480 frame at 0.7x, aspect kept; 224, 320x240, 640x480 measured in README.md
CHANNEL_ORDER=bgr    # what the CNTK ImageNet weights expect (README.md: measured against rgb)
MAX_BANK=4096        # enroll's coreset cap (10 % of the patches, at least 1024)
GOOD_SEED=7          # demo-images --seed of the 40 good demo parts enrolled
GOOD_COUNT=40
HELDOUT_SEED=11      # demo-images --seed of the 60 held-out parts build.sh evaluates on
HELDOUT_COUNT=60
