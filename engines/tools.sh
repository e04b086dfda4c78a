# The two tools the engine scripts drive, shared by every engine's recipe: the CLI built once
# (Release) and the workstation trainer on Debian's Python, plus a scratch folder $work removed on
# exit. Call use_tools after the flags are parsed. Needs $root (the repository).
# shellcheck shell=bash disable=SC2154  # $root is set by the sourcing script

use_tools() {
  py=${PYTHON:-/usr/bin/python3}
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  dotnet build "$root/src/EdgeInspector.Cli" -c Release -v q -nologo >/dev/null
}
trainer() { PYTHONPATH="$root/src/trainer" "$py" -m edgeinspector_trainer "$@"; }
ei() { dotnet "$root/src/EdgeInspector.Cli/bin/Release/net10.0/edge-inspector.dll" "$@"; }
