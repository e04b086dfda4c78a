#!/usr/bin/env bash
# One entry point for a checkout: set-up, demo, tests, benchmark, and the two tools.
#   ./dev.sh demo [agent flags]      run the agent on embedded defaults (see README)
#   ./dev.sh test                    install what is missing (as root), build, run every test
#   ./dev.sh bench [--frames N]      raw ONNX Runtime vs full-pipeline throughput
#   ./dev.sh trainer CMD ...         the workstation trainer (Python/PyTorch)
#   ./dev.sh edge-inspector CMD ...  the model tool (eval, enroll, ...) on the serving path
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
CONFIG=${CONFIG:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages each command needs: what runs the tests for real (Mosquitto, PyTorch, Aravis'
# fake camera, shellcheck, systemd-analyze) and OpenCvSharp's native dependency (GTK).
APT_RUNTIME=(libgtk-3-0)
APT_TEST=(mosquitto mosquitto-clients python3 python3-torch python3-onnx python3-numpy python3-opencv python3-pytest
          libopenblas0-pthread shellcheck systemd aravis-tools)
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

cmd_demo() {
  ensure_packages "${APT_RUNTIME[@]}"
  build_agent
  exec dotnet "src/EdgeInspector.Agent/bin/$CONFIG/net10.0/edge-inspector-agent.dll" --demo --model engines/demo-clip "$@"
}

cmd_bench() {
  ensure_packages "${APT_RUNTIME[@]}"
  ensure_dotnet
  dotnet build src/EdgeInspector.Bench -c Release -v q -nologo >&2
  exec dotnet src/EdgeInspector.Bench/bin/Release/net10.0/edge-inspector-bench.dll "$@"
}

cmd_edge_inspector() {
  ensure_packages "${APT_RUNTIME[@]}"
  ensure_dotnet
  dotnet build src/EdgeInspector.Cli -c "$CONFIG" -v q -nologo >&2
  exec dotnet "src/EdgeInspector.Cli/bin/$CONFIG/net10.0/edge-inspector.dll" "$@"
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
    if dotnet test "$project" -c "$CONFIG" --no-build -v q -nologo 2>&1 | tee "$log" | grep -E '^\s*(Passed|Failed)!|error|\[FAIL\]' ; then :; fi
    line=$(grep -E '(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+' "$log" | tail -1 || true)
    if [ -z "$line" ]; then
      echo "!! $project printed no test summary" >&2
      tail -40 "$log" >&2
      tally 0 1 0
      continue
    fi
    tally "$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")" "$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")" "$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$line")"
  done
  rm -f "$log"
}

run_pytest() {
  [ -d tests/trainer ] || return 0
  local log line
  log=$(mktemp)
  echo "==> pytest tests/trainer"
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

cmd_test() {
  ensure_packages "${APT_RUNTIME[@]}" "${APT_TEST[@]}"
  ensure_dotnet
  echo "==> dotnet build"
  dotnet build EdgeInspector.sln -c "$CONFIG" -v q -nologo
  run_dotnet_tests
  run_pytest
  run_script_tests
  echo
  if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  [ "$failed" -eq 0 ]
}

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }

case "${1:-}" in
  demo) shift; cmd_demo "$@" ;;
  test) shift; cmd_test "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  trainer) shift; cmd_trainer "$@" ;;
  edge-inspector) shift; cmd_edge_inspector "$@" ;;
  -h|--help|help|"") usage ;;
  *) echo "Unknown command '$1'." >&2; usage >&2; exit 2 ;;
esac
