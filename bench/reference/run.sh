#!/usr/bin/env bash
# Runs the load lab against the Node `ws` reference server the way bench/run.sh runs it against
# PushLab: the server pinned to core 0, the generator to core 1, one unreported warm-up run first.
# The reference has no actuator: the load lab reads its CPU time, RSS and threads from
# /proc/<pid> (--server-pid), so "server CPU publishing" and us per delivery mean what they mean
# in bench/run.sh (the measured messages only, warm-up and connecting left out). Warm-up reports go
# to $OUT/warmup; `python3 bench/table.py $OUT` prints the rest as a markdown table.
#
#   bench/reference/run.sh [label]      env: SIZES="1000 5000" TECHNIQUES="sse websocket"
#                                          MESSAGES=200 RATE=20 REPEAT=1 PORT=18090
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules/ws ] || npm install --no-save ws@8 >/dev/null
cd ../..
LABEL=${1:-node-ws}
PORT=${PORT:-18090}
SIZES=${SIZES:-1000 5000}
TECHNIQUES=${TECHNIQUES:-sse websocket}
MESSAGES=${MESSAGES:-200}
RATE=${RATE:-20}
REPEAT=${REPEAT:-1}
OUT=${OUT:-loadlab-reports/$LABEL}
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

taskset -c 0 node bench/reference/server.js "$PORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 60); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 0.25
done

gen() {
  taskset -c 1 java -Xmx2g -jar target/pushlab.jar loadlab --target "http://127.0.0.1:$PORT" --server-pid "$SERVER" \
    --out "$OUT" --quiet "$@"
}

mkdir -p "$OUT/warmup"
for t in $TECHNIQUES; do
  gen --technique "$t" --clients 1000 --messages 200 --rate "$RATE" --out "$OUT/warmup" >/dev/null 2>&1 || true
done
for n in $SIZES; do
  for t in $TECHNIQUES; do
    for i in $(seq 1 "$REPEAT"); do
      gen --technique "$t" --clients "$n" --messages "$MESSAGES" --rate "$RATE" --connect-concurrency 500 \
        >"$OUT/run-$t-$n-$i.txt" 2>&1 || true
      python3 bench/table.py --last "$LABEL" "$OUT"
    done
  done
done
