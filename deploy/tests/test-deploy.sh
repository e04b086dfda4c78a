#!/usr/bin/env bash
# CI checks for the Jetson deployment: shellcheck, dry-runs of deploy-jetson.sh (local and over
# ssh; neither needs a Jetson or the network), and `systemd-analyze verify` of the unit.
# usage: deploy/tests/test-deploy.sh        (from anywhere; exits non-zero on any failure)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
passed=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  if [[ -n ${2-} ]]; then printf '%s\n' "$2" | sed 's/^/      /'; fi
}
# expect NAME FILE REGEX: the output FILE has a line matching REGEX (grep -E).
expect() {
  if grep -Eq -- "$3" "$2"; then ok "$1"; else fail "$1" "no line matches: $3"; fi
}
reject() {
  if grep -Eq -- "$3" "$2"; then fail "$1" "$(grep -E -- "$3" "$2" | head -n 3)"; else ok "$1"; fi
}

# ---- shellcheck -------------------------------------------------------------------------------
if command -v shellcheck >/dev/null; then
  for f in deploy-jetson.sh deploy/*.sh deploy/tests/*.sh dev.sh engines/*.sh engines/*/*.sh; do
    if out=$(shellcheck -x "$f" 2>&1); then ok "shellcheck $f"; else fail "shellcheck $f" "$out"; fi
  done
else
  fail "shellcheck is not installed (apt-get install shellcheck)"
fi
for f in deploy-jetson.sh deploy/*.sh; do
  if [[ -x $f ]]; then ok "$f is executable"; else fail "$f is not executable (chmod +x)"; fi
done

# ---- dry-run, local -----------------------------------------------------------------------------
local_out=$tmp/local.txt
if ./deploy-jetson.sh --dry-run --local >"$local_out" 2>&1; then
  ok "dry-run --local exits 0"
else
  fail "dry-run --local exits 0" "$(tail -n 20 "$local_out")"
fi
expect "local: says dry-run"              "$local_out" 'dry-run: nothing is changed'
expect "local: checks nv_tegra_release"   "$local_out" '/etc/nv_tegra_release'
expect "local: checks TensorRT version"   "$local_out" 'dpkg-query .*tensorrt'
expect "local: dotnet publish linux-arm64" "$local_out" '^\+ dotnet publish .*-r linux-arm64 --self-contained -p:PublishReadyToRun=true -p:DeviceOrt=true'
expect "local: removes onnxruntime.dll"   "$local_out" 'onnxruntime.*\.dll'
expect "local: ORT build script"          "$local_out" 'build-onnxruntime-jetson\.sh --version 1\.31\.1'
expect "local: OpenCvSharp build script"  "$local_out" 'build-opencvsharp-jetson\.sh --version'
expect "local: Spinnaker check"           "$local_out" 'libSpinnaker_C\.so'
expect "local: usbfs now"                 "$local_out" '/sys/module/usbcore/parameters/usbfs_memory_mb'
expect "local: usbfs at boot"             "$local_out" 'extlinux\.conf'
expect "local: gpio group"                "$local_out" 'groupadd --system'
expect "local: udev rules installed"      "$local_out" 'install -m 0644 .*99-edge-inspector\.rules /etc/udev/rules\.d/99-edge-inspector\.rules'
expect "local: udev reload"               "$local_out" 'udevadm control --reload-rules'
expect "local: service user"              "$local_out" 'useradd --system'
expect "local: config never overwritten"  "$local_out" 'agent\.json\.new'
expect "local: release flip"              "$local_out" 'mv -T .*/current'
expect "local: unit installed"            "$local_out" 'install -m 0644 .*edge-inspector\.service /etc/systemd/system/edge-inspector\.service'
expect "local: GPU nodes drop-in"         "$local_out" '10-jetson-devices\.conf'
expect "local: enable"                    "$local_out" 'systemctl enable edge-inspector\.service'
expect "local: restart"                   "$local_out" 'systemctl restart edge-inspector\.service'
expect "local: waits for running"         "$local_out" 'wait-for-status\.sh'
expect "local: device lines tagged"       "$local_out" '^\+ \[local\] '
reject "local: no ssh in --local"         "$local_out" '\bssh [a-z]'

# ---- dry-run, over ssh -----------------------------------------------------------------------------
remote_out=$tmp/remote.txt
if ./deploy-jetson.sh --dry-run --user ubuntu somehost --broker mqtt://broker.lan:1883 \
     --ort-lib /nonexistent/libonnxruntime.so.1.31.1 >"$remote_out" 2>&1; then
  ok "dry-run somehost exits 0"
else
  fail "dry-run somehost exits 0" "$(tail -n 20 "$remote_out")"
fi
expect "remote: ships over ssh"            "$remote_out" '\| ssh ubuntu@somehost '
expect "remote: commands prefixed"         "$remote_out" '^\+ \[ubuntu@somehost\] systemctl restart edge-inspector\.service'
expect "remote: udev on the device"        "$remote_out" '^\+ \[ubuntu@somehost\] udevadm control --reload-rules'
expect "remote: usbfs on the device"       "$remote_out" 'usbcore\.usbfs_memory_mb'
expect "remote: prebuilt ORT installed"    "$remote_out" 'install the prebuilt ONNX Runtime'
expect "remote: broker drop-in"            "$remote_out" 'EdgeInspector__Mqtt__Broker'
reject "remote: no unprefixed systemctl"   "$remote_out" '^\+ systemctl'

rb_out=$tmp/rollback.txt
if ./deploy-jetson.sh --dry-run --rollback somehost >"$rb_out" 2>&1; then ok "dry-run --rollback exits 0"
else fail "dry-run --rollback exits 0" "$(tail -n 20 "$rb_out")"; fi
expect "rollback: repoints current"        "$rb_out" 'mv -T .*/current'

if ./deploy-jetson.sh --dry-run >/dev/null 2>&1; then fail "no target is refused"; else ok "no target is refused"; fi
if ./deploy-jetson.sh --dry-run --local --bogus >/dev/null 2>&1; then fail "unknown option is refused"; else ok "unknown option is refused"; fi

# ---- the unit file ------------------------------------------------------------------------------------
unit=systemd/edge-inspector.service
for want in 'Type=notify' 'NotifyAccess=main' 'WatchdogSec=30' 'Restart=always' 'User=edge-inspector' \
            'DevicePolicy=closed' 'SystemCallFilter=@system-service' 'ProtectSystem=strict' \
            'StateDirectory=edge-inspector' 'Environment=DOTNET_IOT_LIBGPIOD_DRIVER_VERSION=V1'; do
  if grep -q "^$want" "$unit"; then ok "unit has $want"; else fail "unit has $want"; fi
done
for bad in 'MemoryDenyWriteExecute=yes' 'ProtectProc=invisible' 'PrivateDevices=yes'; do
  if grep -q "^$bad" "$unit"; then fail "unit must not set $bad"; else ok "unit does not set $bad"; fi
done

if command -v systemd-analyze >/dev/null; then
  # systemd-analyze verify needs the ExecStart binary and the standard targets. --root gives it
  # a throw-away tree: a stub agent at /opt/edge-inspector/current/, the distribution's units
  # (sysinit.target, network-online.target, ...) and our unit in /etc/systemd/system/.
  root=$tmp/root
  mkdir -p "$root/opt/edge-inspector/stub" "$root/etc/systemd/system" "$root/usr/lib/systemd"
  printf '#!/bin/sh\nexit 0\n' >"$root/opt/edge-inspector/stub/edge-inspector-agent"
  chmod +x "$root/opt/edge-inspector/stub/edge-inspector-agent"
  ln -s stub "$root/opt/edge-inspector/current"
  for d in /usr/lib/systemd/system /lib/systemd/system; do
    if [[ -d $d ]]; then cp -a "$d" "$root/usr/lib/systemd/"; break; fi
  done
  cp "$unit" "$root/etc/systemd/system/"
  # verify exits 0 on unknown keys (it only warns), so any line naming our unit fails too.
  if out=$(systemd-analyze verify --root="$root" edge-inspector.service 2>&1) \
     && ! grep -q 'edge-inspector' <<<"$out"; then
    ok "systemd-analyze verify $unit"
  else
    fail "systemd-analyze verify $unit" "$out"
  fi
  if sec=$(systemd-analyze security --offline=yes --root="$root" edge-inspector.service 2>/dev/null); then
    printf '      %s\n' "$(grep 'Overall exposure' <<<"$sec")"
  fi
else
  echo "SKIP  systemd-analyze verify: systemd-analyze is not installed (Debian/Ubuntu package: systemd)"
fi

echo
echo "$passed passed, $failed failed"
(( failed == 0 ))
