#!/usr/bin/env bash
# One entry point for a checkout: set-up, demo, tests, benchmark, and the two tools.
#   ./dev.sh demo [agent flags]      run the agent on embedded defaults and the default engine (see README)
#   ./dev.sh test                    install what is missing (as root), build, run every test
#   ./dev.sh bench [--frames N]      raw ONNX Runtime vs full-pipeline throughput (--intra-op-threads N, --model PKG;
#                                    --frame 4096x2160 --pixel-format BayerRG8 [--roi X,Y,W,H]: sensor-size frames; --json)
#   ./dev.sh soak [--minutes N]      the built agent at full rate against Mosquitto (restarted every --restart-every S, default 120),
#                                    command traffic, one signed update: RSS, GC heap, handles, threads, verdicts/s a minute, slopes
#   ./dev.sh trainer CMD ...         the workstation trainer (Python/PyTorch)
#   ./dev.sh edge-inspector CMD ...  the model tool (eval, enroll, ...) on the serving path
#   ./dev.sh arm64-smoke [--broker URI]   the linux-arm64 build under qemu-user, a few demo frames
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
CONFIG=${CONFIG:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages each command needs: what runs the tests for real (Mosquitto, PyTorch, Aravis'
# fake camera, shellcheck, systemd-analyze, scikit-image's texture photographs, Chromium and Firefox for the web view's browser tests)
# and OpenCvSharp's native dependency (GTK).
APT_RUNTIME=(libgtk-3-0)
# The default engine is built from NuGet's pretrained ResNet18 by the trainer (Debian's PyTorch).
APT_ENGINE=(python3 python3-torch python3-onnx python3-numpy python3-opencv libopenblas0-pthread)
APT_TEST=(mosquitto mosquitto-clients python3 python3-torch python3-onnx python3-numpy python3-opencv python3-pytest python3-skimage
          libopenblas0-pthread shellcheck systemd aravis-tools chromium)
# Firefox for the web view's second browser: Debian ships firefox-esr; where no such package exists
# (Ubuntu's firefox is a snap) the Firefox test fails naming what to install.
if apt-cache show firefox-esr >/dev/null 2>&1; then APT_TEST+=(firefox-esr); fi
PY=/usr/bin/python3

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

ensure_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "==> apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}   (or run ./dev.sh as root)" >&2
    exit 1
  fi
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null || ! dotnet --list-sdks | grep -q '^10\.'; then
    echo "The .NET 10 SDK is required (dotnet on PATH). Install it from Microsoft's packages: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
    exit 1
  fi
}

build_agent() {
  ensure_dotnet
  dotnet build src/EdgeInspector.Agent -c "$CONFIG" -v q -nologo >&2
}

# The default engine (PatchCore on the pretrained ResNet18, enrolled on the demo parts), rebuilt
# only when its recipe or the code that writes it changed.
DEFAULT_ENGINE=.work/engines/patchcore-resnet18
ensure_default_engine() {
  ensure_packages "${APT_RUNTIME[@]}" "${APT_ENGINE[@]}"
  ensure_dotnet
  engines/patchcore-resnet18/build.sh --out "$DEFAULT_ENGINE" --if-stale >/dev/null
}

has_model_flag() {
  local a
  for a in "$@"; do [[ "$a" == --model || "$a" == --model=* ]] && return 0; done
  return 1
}

cmd_demo() {
  ensure_default_engine
  build_agent
  local default_model=()
  has_model_flag "$@" || default_model=(--model "$DEFAULT_ENGINE")
  exec dotnet "src/EdgeInspector.Agent/bin/$CONFIG/net10.0/edge-inspector-agent.dll" --demo "${default_model[@]}" "$@"
}

cmd_bench() {
  ensure_default_engine
  dotnet build src/EdgeInspector.Bench -c Release -v q -nologo >&2
  local default_model=()
  has_model_flag "$@" || default_model=(--model "$DEFAULT_ENGINE")
  exec dotnet src/EdgeInspector.Bench/bin/Release/net10.0/edge-inspector-bench.dll "${default_model[@]}" "$@"
}

cmd_soak() {
  ensure_packages "${APT_RUNTIME[@]}" mosquitto
  ensure_default_engine
  dotnet build src/EdgeInspector.Bench -c Release -v q -nologo >&2
  dotnet build src/EdgeInspector.Cli -c Release -v q -nologo >&2
  local default_model=()
  has_model_flag "$@" || default_model=(--model "$DEFAULT_ENGINE")
  exec dotnet src/EdgeInspector.Bench/bin/Release/net10.0/edge-inspector-bench.dll soak --cli src/EdgeInspector.Cli/bin/Release/net10.0/edge-inspector.dll "${default_model[@]}" "$@"
}

cmd_edge_inspector() {
  ensure_packages "${APT_RUNTIME[@]}"
  ensure_dotnet
  dotnet build src/EdgeInspector.Cli -c "$CONFIG" -v q -nologo >&2
  exec dotnet "src/EdgeInspector.Cli/bin/$CONFIG/net10.0/edge-inspector.dll" "$@"
}

# qemu-user >= 10 runs ONNX Runtime's arm64 build (Debian 12's 7.2 crashes it): bookworm-backports.
ensure_qemu_arm64() {
  if command -v qemu-aarch64 >/dev/null && [ "$(qemu-aarch64 --version | sed -n 's/.*version \([0-9]*\).*/\1/p')" -ge 10 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "arm64-smoke needs qemu-user >= 10. As root on Debian 12:" >&2
    echo "  echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/bookworm-backports.list" >&2
    echo "  apt-get update && apt-get install -t bookworm-backports qemu-user" >&2
    exit 1
  fi
  if grep -q bookworm /etc/os-release && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/bookworm-backports.list
  fi
  apt-get update -qq
  local release=()
  grep -q bookworm /etc/os-release && release=(-t bookworm-backports)
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${release[@]}" qemu-user >/dev/null
}

# Publishes the agent for linux-arm64 and runs it under qemu-user in demo mode for a few frames;
# exits 0 only when its verdicts reached the broker. NuGet has no arm64 OpenCvSharp runtime: the
# agent's subset of it is cross-compiled against an arm64 Debian sysroot, which qemu runs it in.
cmd_arm64_smoke() {
  local broker="" frames=5 model=engines/texture-baseline
  while [ $# -gt 0 ]; do
    case "$1" in
      --broker) broker=$2; shift 2 ;;
      --frames) frames=$2; shift 2 ;;
      --model) model=$2; shift 2 ;;
      *) echo "arm64-smoke: unknown argument '$1' (flags: --broker URI, --frames N, --model PKG)" >&2; exit 2 ;;
    esac
  done
  ensure_packages mosquitto-clients mmdebstrap g++-aarch64-linux-gnu
  ensure_dotnet
  ensure_qemu_arm64
  local cross=$ROOT/.work/arm64-cross out=$ROOT/.work/arm64
  deploy/cross-build-opencvsharp-arm64.sh "$cross"
  rm -rf "$out"
  echo "==> dotnet publish linux-arm64"
  dotnet publish src/EdgeInspector.Agent -c Release -r linux-arm64 --self-contained -o "$out" -v q -nologo
  cp "$cross/libOpenCvSharpExtern.so" "$out/libOpenCvSharpExtern.so"
  local host=127.0.0.1 port args=()
  if [ -n "$broker" ]; then
    host=$(sed -E 's#^mqtts?://([^:/]+).*#\1#' <<<"$broker")
    port=$(sed -nE 's#^mqtts?://[^:/]+:([0-9]+).*#\1#p' <<<"$broker"); port=${port:-1883}
    args=(--broker "$broker")
  else
    port=$((20000 + RANDOM % 20000))
    args=(--port "$port")
  fi
  local received
  received=$(mktemp)
  echo "==> qemu-aarch64 edge-inspector-agent --demo --model $model --frames $frames"
  qemu-aarch64 -L "$cross/sysroot" "$out/edge-inspector-agent" --demo --model "$model" --fps 2 --frames "$frames" \
    --device-id arm64-smoke "${args[@]}" &
  local agent=$!
  # The embedded broker starts with the agent: retry the subscription until it listens.
  for _ in $(seq 1 120); do
    if mosquitto_sub -i arm64-smoke-check -h "$host" -p "$port" -t edgeinspector/arm64-smoke/verdict -C "$frames" -W 600 >"$received" 2>/dev/null; then break; fi
    kill -0 "$agent" 2>/dev/null || break
    sleep 1
  done
  local status=0
  wait "$agent" || status=$?
  local count
  count=$(grep -c '"verdict"' "$received" || true)
  rm -f "$received"
  echo "arm64-smoke: $count/$frames verdicts from the linux-arm64 build under qemu (agent exit $status)"
  [ "$count" -ge "$frames" ] && [ "$status" -eq 0 ]
}

cmd_trainer() {
  PYTHONPATH="$ROOT/src/trainer${PYTHONPATH:+:$PYTHONPATH}" exec "$PY" -m edgeinspector_trainer "$@"
}

# Adds one runner's counts to the totals; a runner that printed no summary counts as one failure.
passed=0 failed=0 skipped=0
tally() { passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + $3)); }

run_dotnet_tests() {
  local project log line
  log=$(mktemp)
  for project in tests/*.Tests/*.Tests.csproj; do
    echo "==> dotnet test $project"
    if dotnet test "$project" -c "$CONFIG" --no-build -v q -nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log" | grep -E '^\s*(Passed|Failed)!|error|\[FAIL\]' ; then :; fi
    line=$(grep -E '(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+' "$log" | tail -1 || true)
    if [ -z "$line" ]; then
      echo "!! $project printed no test summary" >&2
      tail -40 "$log" >&2
      tally 0 1 0
      continue
    fi
    tally "$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")" "$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")" "$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$line")"
    # A failure's message and stack say more than its name: show them.
    if grep -q '^Failed!' <<<"$line"; then
      grep -A20 -E '^\s+Failed |Error Message' "$log" | head -120 || true
    fi
  done
  rm -f "$log"
}

run_pytest() {
  [ -d tests/trainer ] || return 0
  local log line
  log=$(mktemp)
  echo "==> pytest tests/trainer"
  EDGEINSPECTOR_RESNET18_ONNX=$(dotnet "src/EdgeInspector.Cli/bin/$CONFIG/net10.0/edge-inspector.dll" weights) \
    PYTHONPATH="$ROOT/src/trainer" "$PY" -m pytest tests/trainer -q -p no:cacheprovider 2>&1 | tee "$log" | tail -15 || true
  line=$(grep -E '^=*\s*[0-9]+ (passed|failed)|^=*\s*no tests ran' "$log" | tail -1 || true)
  if [ -z "$line" ]; then
    echo "!! pytest printed no summary" >&2
    tally 0 1 0
  else
    tally "$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)" \
          "$(( $(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0) + $(grep -oE '[0-9]+ error' <<<"$line" | grep -oE '[0-9]+' || echo 0) ))" \
          "$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)"
  fi
  rm -f "$log"
}

run_script_tests() {
  local script log line
  for script in deploy/tests/test-*.sh; do
    [ -x "$script" ] || continue
    log=$(mktemp)
    echo "==> $script"
    "$script" 2>&1 | tee "$log" | tail -5 || true
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
    if [ -z "$line" ]; then tally 0 1 0; else
      tally "$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")" "$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")" 0
    fi
    rm -f "$log"
  done
}

# The linux-arm64 publish under qemu-user: one check, passed only when its verdicts arrived.
run_arm64_smoke() {
  local log
  log=$(mktemp)
  echo "==> ./dev.sh arm64-smoke"
  if "$ROOT/dev.sh" arm64-smoke >"$log" 2>&1; then
    tail -1 "$log"
    tally 1 0 0
  else
    tail -40 "$log" >&2
    tally 0 1 0
  fi
  rm -f "$log"
}

cmd_test() {
  ensure_packages "${APT_RUNTIME[@]}" "${APT_TEST[@]}"
  ensure_dotnet
  echo "==> dotnet build"
  if ! dotnet build EdgeInspector.sln -c "$CONFIG" -v q -nologo; then
    echo "The build failed (errors above): no test ran."
    echo "0 passed, 1 failed"
    return 1
  fi
  echo "==> default engine ($DEFAULT_ENGINE)"
  if ! engines/patchcore-resnet18/build.sh --out "$DEFAULT_ENGINE" --if-stale >/dev/null; then
    echo "The default engine could not be built (errors above): no test ran."
    echo "0 passed, 1 failed"
    return 1
  fi
  run_dotnet_tests
  run_pytest
  run_script_tests
  run_arm64_smoke
  echo
  if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  [ "$failed" -eq 0 ]
}

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }

case "${1:-}" in
  demo) shift; cmd_demo "$@" ;;
  test) shift; cmd_test "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  soak) shift; cmd_soak "$@" ;;
  trainer) shift; cmd_trainer "$@" ;;
  edge-inspector) shift; cmd_edge_inspector "$@" ;;
  arm64-smoke) shift; cmd_arm64_smoke "$@" ;;
  -h|--help|help|"") usage ;;
  *) echo "Unknown command '$1'." >&2; usage >&2; exit 2 ;;
esac
