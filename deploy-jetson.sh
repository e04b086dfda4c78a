#!/usr/bin/env bash
# Deploy the EdgeInspector agent to a Jetson Orin Nano (JetPack 6) as a hardened systemd service.
# Idempotent: re-running it with the same inputs changes nothing but restarts the service.
# Guide: docs/deploy.md
#
# usage:
#   ./deploy-jetson.sh [--dry-run] [--local | HOST] [--user U] [--publish-dir DIR]
#                      [--ort-lib PATH] [--ort-src PATH | --ort-url URL]
#                      [--opencvsharp-src PATH | --opencvsharp-url URL]
#                      [--config FILE] [--broker mqtt://host:port] [--device-id ID]
#                      [--wait SECONDS] [--keep N] [--skip-native]
#   ./deploy-jetson.sh [--dry-run] --rollback [--local | HOST] [--user U]
#
#   HOST | --local      deploy over ssh (the ssh user needs passwordless sudo), or on this machine
#   --dry-run           print every command (device ones prefixed with [target]); change nothing
#   --user U            ssh user (default: ssh's own default / ~/.ssh/config)
#   --publish-dir DIR   an existing linux-arm64 publish output; default: run dotnet publish here
#   --ort-lib PATH      a prebuilt libonnxruntime.so.<ver> (or a folder with it and the
#                       libonnxruntime_providers_*.so) built for JetPack; else build on the device
#   --ort-src PATH      ONNX Runtime source (dir or .tar.gz, tag v<ver> with submodules) to build
#   --ort-url URL       ... or let the device download the source tarball from URL
#   --opencvsharp-src PATH / --opencvsharp-url URL   OpenCvSharp source for libOpenCvSharpExtern
#   --config FILE       agent.json to install (default deploy/agent.sample.json); an existing
#                       /etc/edge-inspector/agent.json is never overwritten (-> agent.json.new)
#   --broker URL        MQTT broker, set as EdgeInspector__Mqtt__Broker in a unit drop-in
#   --device-id ID      device id for the status check (default: Agent.DeviceId from agent.json)
#   --wait SECONDS      how long to wait for the status topic to say "running" (default 120)
#   --keep N            releases kept in /opt/edge-inspector besides current/previous (default 3)
#   --skip-native       do not install/build ONNX Runtime and OpenCvSharp (already there)
#   --rollback          point /opt/edge-inspector/current back at the previous release, restart
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---- fixed layout on the device (the agent and the unit file rely on these) -------------------
readonly unit_name=edge-inspector.service
readonly svc_user=edge-inspector
readonly opt_dir=/opt/edge-inspector
readonly etc_dir=/etc/edge-inspector
readonly state_dir=/var/lib/edge-inspector
readonly unit_dst=/etc/systemd/system/$unit_name
readonly dropin_dir=/etc/systemd/system/$unit_name.d
readonly udev_dst=/etc/udev/rules.d/99-edge-inspector.rules
readonly lib_dir=/usr/local/lib
readonly usbfs_mb=1000

# ---- arguments -------------------------------------------------------------------------------
dry_run=0 mode="" host="" ssh_user="" publish_dir="" ort_lib="" ort_src="" ort_url=""
ocvs_src="" ocvs_url="" config="" broker="" device_id="" wait_s=120 keep=3 skip_native=0
rollback=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "deploy-jetson: error: $*" >&2; exit 1; }

while (( $# )); do
  case $1 in
    --dry-run) dry_run=1; shift ;;
    --local) mode=local; shift ;;
    --user) ssh_user=${2:?--user needs a value}; shift 2 ;;
    --publish-dir) publish_dir=${2:?}; shift 2 ;;
    --ort-lib) ort_lib=${2:?}; shift 2 ;;
    --ort-src) ort_src=${2:?}; shift 2 ;;
    --ort-url) ort_url=${2:?}; shift 2 ;;
    --opencvsharp-src) ocvs_src=${2:?}; shift 2 ;;
    --opencvsharp-url) ocvs_url=${2:?}; shift 2 ;;
    --config) config=${2:?}; shift 2 ;;
    --broker) broker=${2:?}; shift 2 ;;
    --device-id) device_id=${2:?}; shift 2 ;;
    --wait) wait_s=${2:?}; shift 2 ;;
    --keep) keep=${2:?}; shift 2 ;;
    --skip-native) skip_native=1; shift ;;
    --rollback) rollback=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z $host ]] || die "only one HOST"; host=$1; mode=remote; shift ;;
  esac
done
[[ -n $mode ]] || die "say where: HOST or --local (see --help)"
[[ $mode == local && -n $host ]] && die "--local and HOST are exclusive"
[[ -z $broker || $broker =~ ^mqtts?://[^/:]+(:[0-9]+)?/?$ ]] || die "--broker must look like mqtt://host:port"
[[ $wait_s =~ ^[0-9]+$ && $keep =~ ^[0-9]+$ ]] || die "--wait and --keep take numbers"

if [[ $mode == remote ]]; then
  target=${ssh_user:+$ssh_user@}$host
  where="${ssh_user:+--user $ssh_user }$host"
  dev_stage=/var/tmp/edge-inspector-deploy
  ssh_opts=(-o BatchMode=yes -o ConnectTimeout=15)
else
  target=local
  where=--local
  dev_stage=""   # set to the local staging folder below
  ssh_opts=()
fi
sudo_cmd=()
if [[ $mode == local && $EUID -ne 0 ]]; then sudo_cmd=(sudo); fi

# ---- output and execution helpers --------------------------------------------------------------
step_no=0
step() { step_no=$((step_no + 1)); printf '\n==> [%d] %s\n' "$step_no" "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '    WARNING: %s\n' "$*" >&2; }

# Shell-quotes a command for display (and for dev_run's remote bash).
qcmd() {
  local a out=()
  for a in "$@"; do out+=("$(printf '%q' "$a")"); done
  printf '%s' "${out[*]}"
}

# A command on this (build) machine.
host_run() {
  printf '+ %s\n' "$(qcmd "$@")"
  if (( ! dry_run )); then "$@"; fi
}

# Run a bash script as root on the device: locally via sudo, remotely via ssh + sudo -n bash -s
# (the script travels on stdin, so no quoting survives two shells).
_dev_exec() {
  local script=$1
  if [[ $mode == local ]]; then
    "${sudo_cmd[@]}" bash -c "$script"
  else
    printf '%s\n' "$script" | ssh "${ssh_opts[@]}" "$target" 'sudo -n bash -s'
  fi
}

# A single command as root on the device.
dev_run() {
  local cmd
  cmd=$(qcmd "$@")
  printf '+ [%s] %s\n' "$target" "$cmd"
  if (( ! dry_run )); then _dev_exec "set -euo pipefail; $cmd"; fi
}

# A script (read from stdin) as root on the device, with VAR=value assignments prepended:
#   dev_script "what" a=1 b=2 <<'EOF' ... EOF
dev_script() {
  local what=$1; shift
  local pre="set -euo pipefail" body kv
  for kv in "$@"; do pre+=$'\n'"${kv%%=*}=$(printf '%q' "${kv#*=}")"; done
  body=$(cat)
  printf '+ [%s] bash -s  # %s\n' "$target" "$what"
  printf '%s\n%s\n' "$pre" "$body" | sed 's/^/      | /'
  if (( ! dry_run )); then _dev_exec "$pre"$'\n'"$body"; fi
}

# A read-only query on the device; prints its output. Skipped (empty) in dry-run.
dev_probe() {
  local script=$1
  if (( dry_run )); then
    {
      printf '+ [%s] bash -s  # read-only probe, not run in dry-run\n' "$target"
      printf '%s\n' "$script" | sed '/^$/d; s/^/      | /'
    } >&2
    return 0
  fi
  _dev_exec "$script"
}

# Copy a local folder's contents to the device staging folder (remote mode only).
ship() {
  local src=$1
  if [[ $mode == local ]]; then return 0; fi
  printf '+ tar -C %s -czf - . | ssh %s "%s"\n' "$src" "$target" \
    "sudo -n bash -c 'rm -rf $dev_stage && mkdir -p $dev_stage && tar -xzf - -C $dev_stage'"
  if (( ! dry_run )); then
    # shellcheck disable=SC2029 # dev_stage is meant to expand here: a fixed path without spaces
    tar -C "$src" -czf - . | ssh "${ssh_opts[@]}" "$target" \
      "sudo -n bash -c 'rm -rf $dev_stage && mkdir -p $dev_stage && tar -xzf - -C $dev_stage'"
  fi
}

# Reads a PackageVersion from Directory.Packages.props.
package_version() {
  sed -n "s:.*Include=\"$1\" *Version=\"\\([^\"]*\\)\".*:\\1:p" "$repo/Directory.Packages.props" 2>/dev/null | head -n 1
}

# ---- wait for "running" and show the journal on failure (deploy and rollback) ----------------
wait_running() {
  local since=$1
  step "Waiting up to ${wait_s}s for edgeinspector/<deviceId>/status to say \"running\""
  if dev_script "wait for the agent" stage="$dev_stage" device_id="$device_id" broker="$broker" \
       wait_s="$wait_s" since="$since" etc_dir="$etc_dir" <<'EOF'
# Device id, broker and topic root from agent.json unless given on the command line.
read_cfg() {  # read_cfg Section Key
  python3 - "$etc_dir/agent.json" "$1" "$2" <<'PY' 2>/dev/null || true
import json, sys
try:
    print(json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]])
except Exception:
    pass
PY
}
[[ -n $device_id ]] || device_id=$(read_cfg Agent DeviceId)
[[ -n $device_id ]] || device_id=$(hostname)
[[ -n $broker ]] || broker=$(sed -n 's/.*EdgeInspector__Mqtt__Broker=\([^"]*\).*/\1/p' \
  /etc/systemd/system/edge-inspector.service.d/20-deploy.conf 2>/dev/null || true)
[[ -n $broker ]] || broker=$(read_cfg Mqtt Broker)
root=$(read_cfg Mqtt TopicRoot); root=${root:-edgeinspector}
"$stage/deploy/wait-for-status.sh" "$device_id" "$broker" "$root" "$wait_s" "$since"
EOF
  then
    return 0
  fi
  (( dry_run )) && return 0
  echo
  echo "The agent did not reach \"running\". Last journal lines:" >&2
  dev_run journalctl -u "$unit_name" -n 60 --no-pager || true
  echo "Fix the cause and re-run, or go back: $0 --rollback $where" >&2
  exit 1
}

# ======================================================================================
# Rollback
# ======================================================================================
if (( rollback )); then
  echo "EdgeInspector rollback on $target$( ((dry_run)) && echo ' (dry-run: nothing is changed)')"
  stage_local=$(mktemp -d)
  trap 'rm -rf "$stage_local"' EXIT
  [[ $mode == local ]] && dev_stage=$stage_local
  mkdir -p "$stage_local/deploy"
  cp "$repo/deploy/wait-for-status.sh" "$stage_local/deploy/"
  step "Shipping the status checker"
  ship "$stage_local"

  step "Pointing $opt_dir/current at the previous release"
  since=$(dev_probe 'date +%s')
  dev_script "swap current and previous" opt_dir="$opt_dir" unit="$unit_name" <<'EOF'
cur=$(readlink "$opt_dir/current" || true)
prev=$(readlink "$opt_dir/previous" || true)
[[ -n $prev && -d $opt_dir/$prev ]] || { echo "no previous release recorded in $opt_dir/previous" >&2; exit 1; }
ln -sfn "$prev" "$opt_dir/current.new" && mv -T "$opt_dir/current.new" "$opt_dir/current"
[[ -n $cur ]] && { ln -sfn "$cur" "$opt_dir/previous.new" && mv -T "$opt_dir/previous.new" "$opt_dir/previous"; }
echo "$(date -u +%FT%TZ) rollback $cur -> $prev" >> "$opt_dir/releases.log"
echo "current -> $prev (previous -> ${cur:-none}); run --rollback again to undo"
systemctl reset-failed "$unit" 2>/dev/null || true
systemctl restart "$unit"
EOF
  wait_running "${since:-0}"
  step "Summary"
  dev_probe "readlink $opt_dir/current; systemctl --no-pager --lines=0 status $unit_name || true"
  echo "Rollback done."
  exit 0
fi

# ======================================================================================
# Deploy
# ======================================================================================
agent_version=$(sed -n 's:.*<Version>\([^<]*\)</Version>.*:\1:p' "$repo/Directory.Build.props" 2>/dev/null | head -n 1)
agent_version=${agent_version:-0.0.0}
ort_version=$(package_version Microsoft.ML.OnnxRuntime.Managed)
ort_version=${ort_version:-1.31.1}
ocvs_version=$(package_version OpenCvSharp4)
ocvs_version=${ocvs_version:-unknown}

echo "EdgeInspector deploy to $target$( ((dry_run)) && echo ' (dry-run: nothing is changed)')"
echo "agent $agent_version, ONNX Runtime $ort_version, OpenCvSharp $ocvs_version"

stage_local=$(mktemp -d)
trap 'rm -rf "$stage_local"' EXIT
[[ $mode == local ]] && dev_stage=$stage_local

# ---- 1. the device -------------------------------------------------------------------------------
step "Checking the device: Jetson, L4T/JetPack, CUDA, TensorRT"
# shellcheck disable=SC2016 # expands on the device, not here
facts=$(dev_probe '
echo "arch=$(uname -m)"
echo "tegra=$(head -n 1 /etc/nv_tegra_release 2>/dev/null)"
echo "l4t=$(dpkg-query -W -f="\${Version}" nvidia-l4t-core 2>/dev/null)"
echo "jetpack=$(dpkg-query -W -f="\${Version}" nvidia-jetpack 2>/dev/null)"
echo "cuda=$(/usr/local/cuda/bin/nvcc --version 2>/dev/null | sed -n "s/.*release \([0-9.]*\).*/\1/p")"
echo "tensorrt=$(dpkg-query -W -f="\${Version}" tensorrt 2>/dev/null || dpkg-query -W -f="\${Version}\n" "libnvinfer[0-9]*" 2>/dev/null | head -n 1)"
echo "model=$(tr -d "\0" < /proc/device-tree/model 2>/dev/null)"
' || true)
fact() { sed -n "s/^$1=//p" <<<"$facts" | head -n 1; }
if (( dry_run )); then
  info "(dry-run: device facts not read)"
else
  [[ -n $(fact tegra) ]] || die "$target is not a Jetson (/etc/nv_tegra_release missing)"
  [[ $(fact arch) == aarch64 ]] || die "$target is $(fact arch), expected aarch64"
  info "board:    $(fact model)"
  info "L4T:      $(fact tegra)  (nvidia-l4t-core $(fact l4t))"
  info "JetPack:  $(fact jetpack || true)"
  info "CUDA:     $(fact cuda)"
  info "TensorRT: $(fact tensorrt)"
  [[ $(fact tegra) == *"R36"* ]] || warn "expected L4T R36 (JetPack 6); other releases are untested"
  [[ -n $(fact cuda) ]] || warn "CUDA toolkit not found (sudo apt install nvidia-jetpack): only the CPU EP will work"
  [[ -n $(fact tensorrt) ]] || warn "TensorRT not found (sudo apt install tensorrt): the TensorRT EP will be unavailable"
fi

# ---- 2. publish ----------------------------------------------------------------------------------
step "Publishing the agent for linux-arm64 (self-contained, ReadyToRun, device ONNX Runtime)"
release_src=$stage_local/release
if [[ -n $publish_dir ]]; then
  [[ -d $publish_dir || $dry_run -eq 1 ]] || die "--publish-dir $publish_dir is not a folder"
  host_run cp -a "$publish_dir/." "$release_src/"
else
  command -v dotnet >/dev/null || (( dry_run )) || die "dotnet not found: install the .NET 10 SDK or pass --publish-dir"
  host_run dotnet publish "$repo/src/EdgeInspector.Agent" -c Release -r linux-arm64 --self-contained \
    -p:PublishReadyToRun=true -p:DeviceOrt=true -o "$release_src"
fi

# ---- 3. clean the publish output -------------------------------------------------------------------
step "Removing Windows/macOS/x64 native files and NuGet's CPU-only ONNX Runtime from the output"
# The device uses /usr/local/lib/libonnxruntime.so (TensorRT EP) and libOpenCvSharpExtern.so
# built on the device; a copy in the app folder would be loaded first and hide them.
host_run find "$release_src" \( -iname 'onnxruntime*.dll' -o -iname 'OpenCvSharpExtern.dll' \
  -o -iname 'opencv_videoio_ffmpeg*.dll' -o -iname '*.dylib' -o -iname '*.exe' \
  -o -name 'libonnxruntime*.so*' -o -name 'libOpenCvSharpExtern.so' \) -type f -print -delete
host_run find "$release_src" -depth -type d -path '*/runtimes/*' \( -name 'win*' -o -name 'osx*' \
  -o -name 'linux-x64' -o -name 'linux-musl*' -o -name 'linux-arm' \) -print -exec rm -rf {} +
if (( ! dry_run )); then
  exe=$release_src/edge-inspector-agent
  [[ -f $exe ]] || die "publish output has no edge-inspector-agent executable (AssemblyName?)"
  # ELF e_machine at offset 18: 0xb7 = AArch64.
  [[ $(od -An -tx1 -j18 -N1 "$exe" | tr -d ' ') == b7 ]] || die "$exe is not an arm64 ELF binary"
  chmod 0755 "$exe"
  release_id="$agent_version-$(cd "$release_src" && find . -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-10)"
else
  release_id="$agent_version-CONTENTHASH"
fi
info "release id: $release_id"

# ---- staging: everything the device needs travels in one tarball ---------------------------------
mkdir -p "$stage_local/deploy" "$stage_local/systemd" "$stage_local/config" "$stage_local/native" \
  "$stage_local/src" "$stage_local/docs"
cp "$repo/docs/deploy.md" "$stage_local/docs/" 2>/dev/null || true
cp "$repo/deploy/"*.sh "$repo/deploy/99-edge-inspector.rules" "$stage_local/deploy/"
cp "$repo/systemd/$unit_name" "$stage_local/systemd/"
cfg_src=${config:-$repo/deploy/agent.sample.json}
[[ -f $cfg_src ]] || die "config $cfg_src not found"
if command -v python3 >/dev/null; then
  python3 -m json.tool "$cfg_src" >/dev/null || die "$cfg_src is not valid JSON"
fi
cp "$cfg_src" "$stage_local/config/agent.json"
if [[ -n $ort_lib ]]; then
  [[ -e $ort_lib || $dry_run -eq 1 ]] || die "--ort-lib $ort_lib not found"
  shopt -s nullglob
  if [[ -d $ort_lib ]]; then
    ort_files=("$ort_lib"/libonnxruntime*)
  else
    ort_files=("$ort_lib" "$(dirname "$ort_lib")"/libonnxruntime_providers_*.so)
  fi
  shopt -u nullglob
  host_run cp -P "${ort_files[@]}" "$stage_local/native/"
fi
pack_src() {  # pack_src PATH NAME: a source dir or tarball -> staging src/NAME.tar.gz
  if [[ -d $1 ]]; then
    host_run tar -C "$(dirname "$1")" -czf "$stage_local/src/$2.tar.gz" "$(basename "$1")"
  else
    host_run cp "$1" "$stage_local/src/$2.tar.gz"
  fi
}
[[ -n $ort_src ]] && pack_src "$ort_src" onnxruntime
[[ -n $ocvs_src ]] && pack_src "$ocvs_src" opencvsharp

step "Copying the release and deploy files to the device"
if [[ $mode == remote ]]; then ship "$stage_local"; else info "local: using $stage_local in place"; fi

# ---- 4. native libraries ---------------------------------------------------------------------------
step "ONNX Runtime $ort_version with the TensorRT EP in $lib_dir"
if (( skip_native )); then
  info "--skip-native: not touched"
elif [[ -n $ort_lib ]]; then
  dev_script "install the prebuilt ONNX Runtime" stage="$dev_stage" lib_dir="$lib_dir" ver="$ort_version" <<'EOF'
install -d "$lib_dir"
cp -P "$stage"/native/libonnxruntime* "$lib_dir/"
# A lone libonnxruntime.so.<ver> also needs the names the loader and the check look for.
if [[ -e $lib_dir/libonnxruntime.so.$ver ]]; then
  [[ -e $lib_dir/libonnxruntime.so.1 ]] || ln -s "libonnxruntime.so.$ver" "$lib_dir/libonnxruntime.so.1"
  [[ -e $lib_dir/libonnxruntime.so ]] || ln -s libonnxruntime.so.1 "$lib_dir/libonnxruntime.so"
fi
ldconfig
EOF
else
  build_args=(--version "$ort_version" --prefix /usr/local)
  if [[ -n $ort_src ]]; then build_args+=(--src "$dev_stage/src/onnxruntime.tar.gz")
  elif [[ -n $ort_url ]]; then build_args+=(--url "$ort_url"); fi
  info "builds only if $lib_dir/libonnxruntime.so.$ort_version is missing (2-4 h on an Orin Nano)"
  dev_run "$dev_stage/deploy/build-onnxruntime-jetson.sh" "${build_args[@]}"
fi
if (( ! skip_native )); then
  dev_script "check the ONNX Runtime version" lib_dir="$lib_dir" want="$ort_version" <<'EOF'
real=$(readlink -f "$lib_dir/libonnxruntime.so" || true)
[[ $real == *".so.$want" ]] || { echo "$lib_dir/libonnxruntime.so is '${real:-missing}', the agent needs $want" >&2; exit 1; }
[[ -e $lib_dir/libonnxruntime_providers_tensorrt.so ]] || echo "WARNING: no TensorRT EP library next to it: CUDA/CPU only" >&2
echo "ok: $real"
EOF
fi

step "libOpenCvSharpExtern.so ($ocvs_version) built against JetPack's OpenCV"
if (( skip_native )); then
  info "--skip-native: not touched"
else
  ocvs_args=(--version "$ocvs_version" --prefix /usr/local)
  if [[ -n $ocvs_src ]]; then ocvs_args+=(--src "$dev_stage/src/opencvsharp.tar.gz")
  elif [[ -n $ocvs_url ]]; then ocvs_args+=(--url "$ocvs_url"); fi
  info "builds only if $lib_dir/libOpenCvSharpExtern.so $ocvs_version is missing (10-20 min)"
  dev_run "$dev_stage/deploy/build-opencvsharp-jetson.sh" "${ocvs_args[@]}"
fi

step "Runtime libraries the agent loads (libgpiod for GPIO, Aravis for USB3 Vision)"
dev_script "check shared libraries" <<'EOF'
missing=()
ldconfig -p | grep -q 'libgpiod\.so\.2 ' || missing+=(libgpiod2)
ldconfig -p | grep -q 'libaravis-0\.8\.so\.0 ' || missing+=(libaravis-0.8-0)
command -v mosquitto_sub >/dev/null || echo "mosquitto_sub missing: the status check falls back to the journal (optional: mosquitto-clients)"
if (( ${#missing[@]} )); then
  echo "WARNING: missing ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
else
  echo "libgpiod.so.2 and libaravis-0.8.so.0 present"
fi
EOF

# ---- 5. Spinnaker (optional) -------------------------------------------------------------------------
step "Spinnaker SDK (optional; Aravis drives the camera without it)"
dev_script "look for libSpinnaker_C.so" <<'EOF'
if [[ -e /opt/spinnaker/lib/libSpinnaker_C.so ]]; then
  echo "found /opt/spinnaker/lib/libSpinnaker_C.so"
else
  echo "not installed (optional). To use the Spinnaker backend: download 'Spinnaker SDK for"
  echo "Ubuntu 22.04 ARM64' from Teledyne FLIR, then on the Jetson: tar xf spinnaker-*-arm64*.tar.gz &&"
  echo "cd spinnaker-* && sudo sh install_spinnaker_arm.sh (answer yes to the udev rules and"
  echo "usbfs questions); re-run this script afterwards."
fi
EOF

# ---- 6. usbfs memory for USB3 Vision -------------------------------------------------------------------
step "usbcore.usbfs_memory_mb=$usbfs_mb (default 16 MB starves a USB3 camera)"
dev_script "set usbfs memory now and at boot" mb="$usbfs_mb" <<'EOF'
p=/sys/module/usbcore/parameters/usbfs_memory_mb
if [[ -w $p ]]; then
  [[ $(cat "$p") == "$mb" ]] || echo "$mb" > "$p"
  echo "now: $(cat "$p") MB"
fi
f=/boot/extlinux/extlinux.conf
if [[ -f $f ]]; then
  total=$(grep -Ec '^[[:space:]]*APPEND' "$f" || true)
  done_=$(grep -Ec "^[[:space:]]*APPEND.*[[:space:]]usbcore\.usbfs_memory_mb=$mb([[:space:]]|\$)" "$f" || true)
  if (( total > 0 && total == done_ )); then
    echo "$f: already set"
  else
    [[ -e $f.edge-inspector.bak ]] || cp -p "$f" "$f.edge-inspector.bak"
    sed -i -E "/^[[:space:]]*APPEND/{s/[[:space:]]+usbcore\.usbfs_memory_mb=[0-9]+//g; s/\$/ usbcore.usbfs_memory_mb=$mb/}" "$f"
    echo "$f: added to APPEND (from next boot; backup $f.edge-inspector.bak)"
  fi
else
  echo "WARNING: $f not found: add usbcore.usbfs_memory_mb=$mb to the kernel command line yourself" >&2
fi
EOF

# ---- 7. groups, udev --------------------------------------------------------------------------------------
step "Groups gpio/video/plugdev and udev rules (GPIO chips, FLIR USB3 Vision cameras)"
dev_script "groups" <<'EOF'
for g in gpio video plugdev; do getent group "$g" >/dev/null || groupadd --system "$g"; done
EOF
dev_run install -m 0644 "$dev_stage/deploy/99-edge-inspector.rules" "$udev_dst"
dev_run udevadm control --reload-rules
dev_run udevadm trigger --subsystem-match=gpio --subsystem-match=usb

# ---- 8. service user and folders ----------------------------------------------------------------------------
step "Service user $svc_user and folders"
dev_script "user and folders" user="$svc_user" opt_dir="$opt_dir" etc_dir="$etc_dir" state_dir="$state_dir" <<'EOF'
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --user-group --home-dir "$state_dir" --no-create-home --shell /usr/sbin/nologin "$user"
fi
usermod -a -G gpio,video,plugdev "$user"
install -d -m 0755 -o root -g root "$opt_dir"
install -d -m 0755 -o root -g root "$etc_dir"
install -d -m 0750 -o "$user" -g "$user" "$state_dir"
for d in models trt-cache outbox captures; do install -d -m 0750 -o "$user" -g "$user" "$state_dir/$d"; done
install -d -m 0750 -o "$user" -g "$user" /var/cache/edge-inspector
EOF

# ---- 9. configuration -------------------------------------------------------------------------------------
step "Configuration $etc_dir/agent.json (an existing one is never overwritten)"
dev_script "install agent.json" stage="$dev_stage" etc_dir="$etc_dir" user="$svc_user" <<'EOF'
new=$stage/config/agent.json
dst=$etc_dir/agent.json
if [[ ! -e $dst ]]; then
  install -m 0640 -o root -g "$user" "$new" "$dst"
  echo "installed $dst: edit Agent.DeviceId, Camera, Light and Mqtt for this cell"
elif cmp -s "$new" "$dst"; then
  echo "$dst unchanged"
else
  install -m 0640 -o root -g "$user" "$new" "$dst.new"
  echo "NOTE: $dst exists and was kept; the new config is $dst.new (diff them and merge by hand)"
fi
EOF
if [[ -n $broker ]]; then
  dev_script "broker override drop-in" dropin_dir="$dropin_dir" broker="$broker" <<'EOF'
install -d -m 0755 "$dropin_dir"
printf '# Written by deploy-jetson.sh --broker\n[Service]\nEnvironment="EdgeInspector__Mqtt__Broker=%s"\n' "$broker" > "$dropin_dir/20-deploy.conf"
echo "EdgeInspector__Mqtt__Broker=$broker ($dropin_dir/20-deploy.conf)"
EOF
fi

# ---- 10. release ------------------------------------------------------------------------------------------
step "Installing release $release_id to $opt_dir and flipping current"
dev_script "install the release" stage="$dev_stage" opt_dir="$opt_dir" id="$release_id" keep="$keep" <<'EOF'
dst=$opt_dir/$id
if [[ -d $dst ]]; then
  echo "$dst already installed (same content)"
else
  rm -rf "$dst.tmp"
  cp -a "$stage/release" "$dst.tmp"
  install -d "$dst.tmp/docs"
  [[ -f $stage/docs/deploy.md ]] && cp "$stage/docs/deploy.md" "$dst.tmp/docs/"
  chown -R root:root "$dst.tmp"
  chmod -R u=rwX,go=rX "$dst.tmp"
  chmod 0755 "$dst.tmp/edge-inspector-agent"
  mv -T "$dst.tmp" "$dst"
  echo "installed $dst"
fi
cur=$(readlink "$opt_dir/current" || true)
if [[ $cur != "$id" ]]; then
  [[ -n $cur ]] && { ln -sfn "$cur" "$opt_dir/previous.new"; mv -T "$opt_dir/previous.new" "$opt_dir/previous"; }
  ln -sfn "$id" "$opt_dir/current.new"
  mv -T "$opt_dir/current.new" "$opt_dir/current"
  echo "$(date -u +%FT%TZ) deploy ${cur:-none} -> $id" >> "$opt_dir/releases.log"
  echo "current -> $id (previous -> ${cur:-none})"
else
  echo "current already -> $id"
fi
# Keep current, previous and the newest $keep others.
prev=$(readlink "$opt_dir/previous" || true)
mapfile -t old < <(find "$opt_dir" -mindepth 1 -maxdepth 1 -type d ! -name "$id" ! -name "${prev:-/}" \
  ! -name '*.tmp' -printf '%T@ %f\n' | sort -rn | tail -n +"$((keep + 1))" | cut -d' ' -f2-)
for r in "${old[@]}"; do rm -rf "${opt_dir:?}/$r" && echo "pruned $r"; done
EOF

# ---- 11. TensorRT engine cache ------------------------------------------------------------------------
step "TensorRT engine cache: clear it if ONNX Runtime, TensorRT or L4T changed"
dev_script "engine cache stamp" cache="$state_dir/trt-cache" lib_dir="$lib_dir" <<'EOF'
ort=$(basename "$(readlink -f "$lib_dir/libonnxruntime.so" 2>/dev/null || echo none)")
trt=$(dpkg-query -W -f='${Version}' tensorrt 2>/dev/null || echo none)
l4t=$(head -n 1 /etc/nv_tegra_release 2>/dev/null | tr -s ' ' || echo none)
want="ort=$ort trt=$trt l4t=$l4t"
have=$(cat "$cache/.versions" 2>/dev/null || true)
if [[ $have != "$want" ]]; then
  find "$cache" -mindepth 1 -delete 2>/dev/null || true
  printf '%s\n' "$want" > "$cache/.versions"
  chown edge-inspector:edge-inspector "$cache/.versions"
  echo "cleared (was: ${have:-no stamp}); the agent rebuilds engines on first use (minutes)"
else
  echo "kept ($want)"
fi
EOF

# ---- 12. systemd unit --------------------------------------------------------------------------------
step "Installing, enabling and restarting $unit_name"
dev_run install -m 0644 "$dev_stage/systemd/$unit_name" "$unit_dst"
dev_script "GPU device nodes drop-in" dropin_dir="$dropin_dir" <<'EOF'
# DevicePolicy=closed needs every GPU node by path; names vary between L4T releases.
shopt -s nullglob
install -d -m 0755 "$dropin_dir"
tmp=$(mktemp)
{
  echo "# Written by deploy-jetson.sh: the Jetson GPU device nodes present on this board."
  echo "[Service]"
  for n in /dev/nvmap /dev/nvhost-* /dev/nvgpu/*/* /dev/nvidia* /dev/nvsciipc /dev/host1x-fence /dev/dri/renderD*; do
    [[ -c $n ]] && echo "DeviceAllow=$n rw"
  done
} > "$tmp"
install -m 0644 "$tmp" "$dropin_dir/10-jetson-devices.conf"
rm -f "$tmp"
echo "$(grep -c '^DeviceAllow' "$dropin_dir/10-jetson-devices.conf") GPU nodes allowed"
[[ -e /dev/nvmap ]] && stat -c '%n %U:%G %a' /dev/nvmap
EOF
dev_run systemctl daemon-reload
dev_script "verify the unit" unit="$unit_name" <<'EOF'
systemd-analyze verify "$unit" || echo "WARNING: systemd-analyze verify reported problems (above)" >&2
EOF
dev_run systemctl enable "$unit_name"
since=$(dev_probe 'date +%s')
dev_run systemctl reset-failed "$unit_name"
dev_run systemctl restart "$unit_name"

# ---- 13. wait for running ----------------------------------------------------------------------------
wait_running "${since:-0}"

# ---- 14. summary -------------------------------------------------------------------------------------
step "Summary"
dev_script "summary" opt_dir="$opt_dir" etc_dir="$etc_dir" unit="$unit_name" stage="$dev_stage" mode="$mode" <<'EOF'
echo "release:  $(readlink "$opt_dir/current")  (previous: $(readlink "$opt_dir/previous" || echo none))"
echo "config:   $etc_dir/agent.json$([[ -e $etc_dir/agent.json.new ]] && echo "  (NOTE: $etc_dir/agent.json.new waits to be merged)")"
echo "service:  $(systemctl is-enabled "$unit") / $(systemctl is-active "$unit")"
[[ $mode == remote ]] && rm -rf "$stage"
true
EOF
cat <<EOF

Deployed. Useful next commands (on the Jetson):
  systemctl status edge-inspector
  journalctl -u edge-inspector -f
  mosquitto_sub -h <broker> -t 'edgeinspector/+/status' -v
Roll back the agent binary: $0 --rollback $where
EOF
