#!/usr/bin/env bash
# Build ONNX Runtime with the TensorRT + CUDA execution providers as a shared library, on the
# Jetson itself, against JetPack's CUDA / cuDNN / TensorRT, and install libonnxruntime.so* and
# the provider libraries to PREFIX/lib (default /usr/local/lib).
#
# No NuGet package carries the TensorRT EP for linux-arm64; the device build of the agent uses
# Microsoft.ML.OnnxRuntime.Managed, which P/Invokes this libonnxruntime.so. Versions must match.
#
# usage: build-onnxruntime-jetson.sh [--src DIR|TARBALL | --url URL] [--version 1.31.1]
#          [--prefix /usr/local] [--build-dir DIR] [--jobs N] [--deps-mirror DIR]
#          [--cuda-arch 87] [--dry-run]
#   --src          an ONNX Runtime source tree (git checkout of tag vVERSION with submodules) or
#                  a .tar.gz of one
#   --url          download a source tarball from URL (the script never downloads otherwise)
#   --deps-mirror  offline build: ORT's cmake fetches the archives in cmake/deps.txt; with a
#                  mirror dir laid out as DIR/<url without https://> nothing is downloaded
#   --jobs         parallel compile jobs; default from RAM+swap (nvcc needs ~3 GB per job)
#
# Takes about 2-4 hours on an Orin Nano 8 GB (more without swap); run it inside tmux/screen.
set -euo pipefail

version=1.31.1
src=""
url=""
prefix=/usr/local
build_dir=""
jobs=""
deps_mirror=""
cuda_arch=87
dry_run=0

die() { echo "build-onnxruntime: error: $*" >&2; exit 1; }
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
    --build-dir) build_dir=${2:?}; shift 2 ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --deps-mirror) deps_mirror=${2:?}; shift 2 ;;
    --cuda-arch) cuda_arch=${2:?}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

work=${build_dir:-/var/tmp/edge-inspector-ort-build}
cuda_home=/usr/local/cuda
arch_lib=/usr/lib/aarch64-linux-gnu

# ---- already installed? -----------------------------------------------------------------------
if [[ -e $prefix/lib/libonnxruntime.so.$version && -e $prefix/lib/libonnxruntime_providers_tensorrt.so ]]; then
  log "ONNX Runtime $version with the TensorRT EP is already in $prefix/lib: nothing to do"
  exit 0
fi

# ---- toolchain checks ------------------------------------------------------------------------
log "checking the JetPack toolchain"
if (( ! dry_run )); then
  [[ $(uname -m) == aarch64 ]] || die "run this on the Jetson (aarch64), not $(uname -m)"
  [[ -f /etc/nv_tegra_release ]] || echo "warning: /etc/nv_tegra_release missing: not a Jetson?" >&2
  [[ -x $cuda_home/bin/nvcc ]] || die "nvcc not found in $cuda_home/bin: sudo apt install nvidia-jetpack (or cuda-toolkit-12-6)"
  ls "$arch_lib"/libnvinfer.so* >/dev/null 2>&1 || die "TensorRT (libnvinfer) not found in $arch_lib: sudo apt install tensorrt"
  ls "$arch_lib"/libcudnn.so* >/dev/null 2>&1 || die "cuDNN not found in $arch_lib: sudo apt install libcudnn9-dev (JetPack 6)"
  command -v cmake >/dev/null || die "cmake not found"
  command -v python3 >/dev/null || die "python3 not found"
  "$cuda_home/bin/nvcc" --version | tail -n 1
  dpkg-query -W -f='${Package} ${Version}\n' 'libnvinfer*' 2>/dev/null | head -n 3 || true
fi

# ---- source ----------------------------------------------------------------------------------
if [[ -n $url ]]; then
  log "downloading ONNX Runtime source from $url"
  run mkdir -p "$work"
  run curl -fL --retry 3 -o "$work/onnxruntime-src.tar.gz" "$url"
  src=$work/onnxruntime-src.tar.gz
fi
[[ -n $src ]] || die "no source: pass --src DIR|TARBALL (a checkout of tag v$version with submodules) or --url URL.
  e.g. on a machine with internet: git clone --recursive --branch v$version https://github.com/microsoft/onnxruntime
       then copy it to the Jetson and pass --src onnxruntime (add --deps-mirror for an offline device)."
if [[ -f $src ]]; then
  log "unpacking $src"
  run mkdir -p "$work/src"
  run tar -xzf "$src" -C "$work/src" --strip-components=1
  src=$work/src
fi
if (( ! dry_run )); then
  [[ -f $src/build.sh && -f $src/VERSION_NUMBER ]] || die "$src is not an ONNX Runtime source tree"
  have=$(<"$src/VERSION_NUMBER")
  [[ $have == "$version" ]] || die "source is ONNX Runtime $have, the agent needs $version (Microsoft.ML.OnnxRuntime.Managed)"
  need_cmake=$(sed -n 's/^cmake_minimum_required(VERSION \([0-9.]*\).*/\1/p' "$src/cmake/CMakeLists.txt" | head -n 1)
  have_cmake=$(cmake --version | sed -n 's/^cmake version \([0-9.]*\).*/\1/p')
  if [[ -n $need_cmake && $(printf '%s\n%s\n' "$need_cmake" "$have_cmake" | sort -V | head -n 1) != "$need_cmake" ]]; then
    die "ONNX Runtime $version needs cmake >= $need_cmake, found $have_cmake (Ubuntu 22.04 has 3.22): pip3 install --user 'cmake>=$need_cmake' (or a Kitware .deb), then re-run"
  fi
fi

# ---- parallelism: nvcc/cicc needs ~3 GB per job; the Orin Nano has 8 GB shared with the GPU --
if [[ -z $jobs ]]; then
  mem_kb=$(awk '/^(MemTotal|SwapTotal):/ {s += $2} END {print s+0}' /proc/meminfo 2>/dev/null || echo 0)
  jobs=$(( mem_kb / (3 * 1024 * 1024) ))
  (( jobs < 1 )) && jobs=1
  ncpu=$(nproc 2>/dev/null || echo 1)
  (( jobs > ncpu )) && jobs=$ncpu
  swap_kb=$(awk '/^SwapTotal:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
  if (( swap_kb < 8 * 1024 * 1024 )); then
    echo "warning: less than 8 GB swap; if the build is OOM-killed add a swap file (docs/deploy.md) or pass --jobs 1" >&2
  fi
fi
log "building ONNX Runtime $version with $jobs jobs (TensorRT + CUDA EPs, sm_$cuda_arch)"

defines=(
  "CMAKE_CUDA_ARCHITECTURES=$cuda_arch"
  "onnxruntime_BUILD_UNIT_TESTS=OFF"
)
[[ -n $deps_mirror ]] && defines+=("onnxruntime_CMAKE_DEPS_MIRROR_DIR=$deps_mirror")

run env CMAKE_BUILD_PARALLEL_LEVEL="$jobs" PATH="$cuda_home/bin:$PATH" \
  "$src/build.sh" --config Release --build_dir "$work/build" \
  --build_shared_lib --parallel "$jobs" --skip_tests --skip_submodule_sync --allow_running_as_root \
  --use_cuda --cuda_home "$cuda_home" --cudnn_home "$arch_lib" \
  --use_tensorrt --tensorrt_home "$arch_lib" \
  --cmake_extra_defines "${defines[@]}"

# ---- install ---------------------------------------------------------------------------------
out=$work/build/Release
log "installing to $prefix/lib"
run install -d "$prefix/lib"
if (( dry_run )); then
  echo "+ cp -P $out/libonnxruntime.so* $out/libonnxruntime_providers_*.so $prefix/lib/"
else
  shopt -s nullglob
  libs=("$out"/libonnxruntime.so* "$out"/libonnxruntime_providers_*.so)
  (( ${#libs[@]} )) || die "no libonnxruntime.so in $out: the build failed?"
  run cp -P "${libs[@]}" "$prefix/lib/"
  [[ -e $prefix/lib/libonnxruntime.so.$version ]] || die "expected $prefix/lib/libonnxruntime.so.$version after install"
  [[ -e $prefix/lib/libonnxruntime_providers_tensorrt.so ]] || die "the TensorRT EP library was not built"
fi
run ldconfig
log "done: $(ls "$prefix"/lib/libonnxruntime.so."$version" 2>/dev/null || echo "$prefix/lib/libonnxruntime.so.$version")"
echo "The TensorRT engine caches of the agent are now stale: deploy-jetson.sh clears them (docs/deploy.md)."
