#!/usr/bin/env bash
# Build libOpenCvSharpExtern.so (OpenCvSharp's native glue) on the Jetson against JetPack's
# OpenCV 4.x and install it to PREFIX/lib (default /usr/local/lib). NuGet has no linux-arm64
# OpenCvSharp runtime package, so the device needs this once per OpenCvSharp version.
#
# usage: build-opencvsharp-jetson.sh [--src DIR|TARBALL | --url URL] [--version V]
#          [--prefix /usr/local] [--opencv-dir DIR] [--contrib auto|yes|no] [--jobs N] [--dry-run]
#   --src        an OpenCvSharp source tree (or .tar.gz/.zip of one) at the tag matching the
#                OpenCvSharp4 NuGet version the agent uses (its src/ folder holds the native code)
#   --url        download that tarball from URL (the script never downloads otherwise)
#   --version    the OpenCvSharp version, written next to the library as a stamp
#   --opencv-dir an OpenCV build to use instead of JetPack's (its OpenCVConfig.cmake folder)
#   --contrib    JetPack's OpenCV has no contrib modules: "auto" compiles OpenCvSharp with
#                NO_CONTRIB unless opencv2/ximgproc.hpp is found
#
# Takes about 10-20 minutes on an Orin Nano.
set -euo pipefail

version=unknown
src=""
url=""
prefix=/usr/local
opencv_dir=""
contrib=auto
jobs=$(nproc 2>/dev/null || echo 2)
dry_run=0
work=/var/tmp/edge-inspector-opencvsharp-build

die() { echo "build-opencvsharp: error: $*" >&2; exit 1; }
log() { echo "== $*"; }
run() {
  echo "+ $*"
  if (( ! dry_run )); then "$@"; fi
}

while (( $# )); do
  case $1 in
    --src) src=${2:?}; shift 2 ;;
    --url) url=${2:?}; shift 2 ;;
    --version) version=${2:?}; shift 2 ;;
    --prefix) prefix=${2:?}; shift 2 ;;
    --opencv-dir) opencv_dir=${2:?}; shift 2 ;;
    --contrib) contrib=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

lib=$prefix/lib/libOpenCvSharpExtern.so
stamp=$prefix/lib/libOpenCvSharpExtern.version

if [[ -e $lib && -f $stamp && $(<"$stamp") == "$version" ]]; then
  log "libOpenCvSharpExtern.so $version is already in $prefix/lib: nothing to do"
  exit 0
fi

# ---- OpenCV ----------------------------------------------------------------------------------
log "checking OpenCV"
cv_include=""
if (( ! dry_run )); then
  command -v cmake >/dev/null || die "cmake not found: sudo apt install cmake build-essential"
  command -v g++ >/dev/null || die "g++ not found: sudo apt install build-essential"
  if [[ -z $opencv_dir ]]; then
    pkg-config --exists opencv4 2>/dev/null \
      || die "JetPack's OpenCV headers are missing: sudo apt install nvidia-opencv-dev (or libopencv-dev), or pass --opencv-dir"
    echo "OpenCV $(pkg-config --modversion opencv4) (JetPack)"
    cv_include=$(pkg-config --variable=includedir opencv4)/opencv4
  else
    [[ -f $opencv_dir/OpenCVConfig.cmake ]] || die "--opencv-dir $opencv_dir has no OpenCVConfig.cmake"
    cv_include=$(sed -n 's/.*OpenCV_INCLUDE_DIRS[^"]*"\([^"; ]*\).*/\1/p' "$opencv_dir/OpenCVConfig.cmake" | head -n 1)
  fi
fi
if [[ $contrib == auto ]]; then
  if [[ -n $cv_include && -f $cv_include/opencv2/ximgproc.hpp ]]; then contrib=yes; else contrib=no; fi
fi
log "contrib modules: $contrib"

# ---- source ----------------------------------------------------------------------------------
if [[ -n $url ]]; then
  log "downloading OpenCvSharp source from $url"
  run mkdir -p "$work"
  run curl -fL --retry 3 -o "$work/opencvsharp-src.archive" "$url"
  src=$work/opencvsharp-src.archive
fi
[[ -n $src ]] || die "no source: pass --src DIR|TARBALL or --url URL with OpenCvSharp at tag $version
  (https://github.com/shimat/opencvsharp/archive/refs/tags/$version.tar.gz)"
if [[ -f $src ]]; then
  log "unpacking $src"
  run rm -rf "$work/src"
  run mkdir -p "$work/src"
  case $src in
    *.zip) run unzip -q "$src" -d "$work/src.zip" ;;
    *) run tar -xzf "$src" -C "$work/src" --strip-components=1 ;;
  esac
  if [[ $src == *.zip ]] && (( ! dry_run )); then
    shopt -s dotglob
    mv "$work"/src.zip/*/* "$work/src/" && rm -rf "$work/src.zip"
  fi
  src=$work/src
fi
if (( ! dry_run )); then
  [[ -f $src/src/CMakeLists.txt && -d $src/src/OpenCvSharpExtern ]] \
    || die "$src is not an OpenCvSharp source tree (no src/OpenCvSharpExtern)"
fi

# ---- build + install -------------------------------------------------------------------------
cmake_args=(-S "$src/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_INSTALL_PREFIX=$prefix")
[[ -n $opencv_dir ]] && cmake_args+=("-DOpenCV_DIR=$opencv_dir")
[[ $contrib == no ]] && cmake_args+=("-DCMAKE_CXX_FLAGS=-DNO_CONTRIB")

log "building libOpenCvSharpExtern.so with $jobs jobs"
run cmake "${cmake_args[@]}"
run cmake --build "$work/build" --parallel "$jobs"
run cmake --install "$work/build"
if (( dry_run )); then
  echo "+ echo $version > $stamp"
else
  [[ -e $lib ]] || die "install did not produce $lib"
  if ldd "$lib" | grep -q 'not found'; then
    ldd "$lib" | grep 'not found' >&2
    die "$lib has unresolved dependencies"
  fi
  echo "$version" > "$stamp"
fi
run ldconfig
log "done: $lib ($version)"
