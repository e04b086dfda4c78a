#!/usr/bin/env bash
# Wait until the EdgeInspector agent reports "running" after a (re)start.
# Runs on the device (or anywhere that reaches the broker), copied there by deploy-jetson.sh.
#
# usage: wait-for-status.sh DEVICE_ID BROKER_URL TOPIC_ROOT TIMEOUT_S SINCE_EPOCH
#   BROKER_URL   mqtt://host[:port] or mqtts://host[:port]; empty: use the journal only
#   SINCE_EPOCH  device clock (date +%s) just before the restart: older retained status is stale
#
# With mosquitto_sub: read the retained edgeinspector/<id>/status until "state":"running" with a
# "ts" at or after SINCE_EPOCH. Without it: the unit must be active, not restarting, and the
# journal must show a "state=running" line since SINCE_EPOCH.
set -euo pipefail

device_id=${1:?device id}
broker=${2-}
root=${3:-edgeinspector}
timeout_s=${4:-120}
since=${5:-0}
unit=edge-inspector.service
topic="$root/$device_id/status"
deadline=$(( $(date +%s) + timeout_s ))

# Prints the value of a top-level string field of a one-line JSON document (no jq on JetPack).
json_field() {
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" <<<"$2" | head -n 1
}

unit_failed() {
  local state
  state=$(systemctl show -p ActiveState --value "$unit" 2>/dev/null || echo unknown)
  [[ $state == failed ]]
}

via_mqtt() {
  local hostport host port proto args msg state ts ts_epoch
  proto=${broker%%://*}
  hostport=${broker#*://}
  hostport=${hostport%%/*}
  host=${hostport%%:*}
  port=${hostport##*:}
  [[ $port == "$hostport" ]] && port=$([[ $proto == mqtts ]] && echo 8883 || echo 1883)
  args=(-h "$host" -p "$port" -t "$topic" -C 1 -W 5)
  [[ $proto == mqtts ]] && args+=(--capath /etc/ssl/certs)
  echo "waiting up to ${timeout_s}s for \"running\" on $topic at $host:$port"
  while (( $(date +%s) < deadline )); do
    if unit_failed; then echo "unit $unit failed" >&2; return 1; fi
    msg=$(mosquitto_sub "${args[@]}" 2>/dev/null || true)
    if [[ -n $msg ]]; then
      state=$(json_field state "$msg")
      ts=$(json_field ts "$msg")
      ts_epoch=$(date -d "$ts" +%s 2>/dev/null || echo 0)
      if [[ $state == running && $ts_epoch -ge $since ]]; then
        echo "status: $msg"
        return 0
      fi
      echo "  state=${state:-?} ts=${ts:-?}"
    fi
    sleep 2
  done
  echo "timed out after ${timeout_s}s waiting for $topic to say running" >&2
  return 1
}

via_journal() {
  echo "mosquitto_sub not available (or no broker): checking systemd and the journal instead"
  local restarts0 state
  restarts0=$(systemctl show -p NRestarts --value "$unit" 2>/dev/null || echo 0)
  while (( $(date +%s) < deadline )); do
    if unit_failed; then echo "unit $unit failed" >&2; return 1; fi
    state=$(systemctl show -p ActiveState --value "$unit" 2>/dev/null || echo unknown)
    if [[ $state == active ]] \
       && [[ $(systemctl show -p NRestarts --value "$unit" 2>/dev/null || echo 0) == "$restarts0" ]] \
       && journalctl -u "$unit" --since "@$since" -o cat --no-pager 2>/dev/null \
          | grep -Eiq 'state[=: "]+running'; then
      echo "unit active and the journal reports state=running"
      return 0
    fi
    sleep 2
  done
  echo "timed out after ${timeout_s}s (unit state: $(systemctl show -p ActiveState --value "$unit" 2>/dev/null))" >&2
  return 1
}

if [[ -n $broker ]] && command -v mosquitto_sub >/dev/null 2>&1; then
  via_mqtt
else
  via_journal
fi
