#!/usr/bin/env bash
# Cross-compile the agent's subset of libOpenCvSharpExtern.so for linux-arm64 on an x64 Debian 12
# machine, and lay out the arm64 Debian sysroot it runs in under qemu-user (OpenCV 4.6 and its
# dependencies, glibc, libstdc++, ICU, OpenSSL). CI's arm64 smoke test uses both; a Jetson builds
# the full library against JetPack's OpenCV with build-opencvsharp-jetson.sh instead.
#
# usage: cross-build-opencvsharp-arm64.sh OUT_DIR [--mirror URL]
#   OUT_DIR/sysroot                  the arm64 root for `qemu-aarch64 -L`
#   OUT_DIR/libOpenCvSharpExtern.so  the glue, linked against the sysroot's OpenCV
# Needs mmdebstrap and g++-aarch64-linux-gnu. Reruns reuse the sysroot while its package list is
# unchanged (~600 MB, about 20 s to build from a nearby mirror).
set -euo pipefail

die() { echo "cross-build-opencvsharp: error: $*" >&2; exit 1; }
log() { echo "== $*"; }

out=""
mirror=http://deb.debian.org/debian
while (( $# )); do
  case $1 in
    --mirror) mirror=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) die "unknown argument: $1" ;;
    *) out=$1; shift ;;
  esac
done
[[ -n $out ]] || die "usage: $0 OUT_DIR [--mirror URL]"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (apt-get install mmdebstrap)"
command -v aarch64-linux-gnu-g++ >/dev/null || die "the arm64 cross compiler is missing (apt-get install g++-aarch64-linux-gnu)"

here=$(cd "$(dirname "$0")" && pwd)
src=$here/third_party/opencvsharp-extern
packages=libopencv-core-dev,libopencv-imgproc-dev,libopencv-imgcodecs-dev,libopencv-videoio-dev,libstdc++6,libssl3,zlib1g,libicu72
sysroot=$out/sysroot
stamp=$out/sysroot.packages

mkdir -p "$out"
if [[ -f $stamp && $(<"$stamp") == "$packages $mirror" && -e $sysroot/lib/ld-linux-aarch64.so.1 ]]; then
  log "arm64 sysroot is up to date: $sysroot"
else
  log "arm64 sysroot from $mirror (bookworm): $packages"
  rm -rf "$sysroot" "$stamp"
  # extract: unpack the packages and their dependencies without running maintainer scripts, so
  # no arm64 code runs and neither root's dpkg database nor the host's amd64 packages change.
  mmdebstrap --quiet --variant=extract --architectures=arm64 --include="$packages" \
    bookworm "$sysroot" "deb $mirror bookworm main"
  # Maintainer scripts would have registered these through update-alternatives; OpenCV's core
  # needs them by their plain names.
  lib=$sysroot/usr/lib/aarch64-linux-gnu
  for alt in blas/libblas.so.3 lapack/liblapack.so.3; do
    [[ -e $lib/$alt ]] || die "the sysroot has no $alt: Debian's OpenCV packaging changed"
    ln -sfn "$alt" "$lib/$(basename "$alt")"
  done
  echo "$packages $mirror" > "$stamp"
fi

log "compiling libOpenCvSharpExtern.so (linux-arm64, $(find "$src" -maxdepth 1 -name '*.cpp' | wc -l) sources)"
lib=$sysroot/usr/lib/aarch64-linux-gnu
objects=$out/obj
rm -rf "$objects" && mkdir -p "$objects"
pids=()
for cpp in "$src"/*.cpp; do
  aarch64-linux-gnu-g++ -std=c++17 -O2 -fPIC -w \
    -I"$src/shim" -I"$sysroot/usr/include/opencv4" -I"$sysroot/usr/include/aarch64-linux-gnu/opencv4" \
    -DNO_HIGHGUI -DNO_VIDEO -DNO_STITCHING -DNO_ML -DNO_CONTRIB \
    -c "$cpp" -o "$objects/$(basename "${cpp%.cpp}").o" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || die "a source failed to compile (errors above)"; done
# Link the OpenCV libraries by path: -L into the sysroot would also pick up its libc linker script,
# whose absolute paths point at the host.
aarch64-linux-gnu-g++ -shared -o "$out/libOpenCvSharpExtern.so" "$objects"/*.o \
  "$lib/libopencv_videoio.so" "$lib/libopencv_imgcodecs.so" "$lib/libopencv_imgproc.so" "$lib/libopencv_core.so" \
  -Wl,-rpath-link,"$lib" -Wl,-rpath-link,"$sysroot/lib/aarch64-linux-gnu" -Wl,--no-undefined -Wl,--as-needed
rm -rf "$objects"
log "done: $out/libOpenCvSharpExtern.so, sysroot $sysroot"
