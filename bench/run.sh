#!/usr/bin/env bash
# Runs the load lab the way docs/benchmarks.md describes: the server pinned to core 0, the
# generator to core 1, the server warmed up first, then each technique and size in turn.
# Prints one summary line per run; the JSON and HTML reports stay in $OUT (the warm-up runs' in
# $OUT/warmup); `python3 bench/table.py $OUT` prints them as the markdown table docs/benchmarks.md
# uses. Every receiver comes from 127.0.0.1, so the server's long-polling queues per address (64 by
# default) are raised: builds since 8 December 2026 do not hold loopback clients to that bound
# (pushlab.long-polling.limit-loopback), older ones, which A/B runs still start, do.
#
#   bench/run.sh [jar] [label]          env: SIZES="1000 5000" TECHNIQUES="sse websocket"
#                                          MESSAGES=200 RATE=20 REPEAT=1 JAVA=java PORT=18080
#                                          SERVER_OPTS="..." (extra server arguments)
#                                          HEAP="-Xms4g -Xmx4g -XX:+AlwaysPreTouch" (the server's heap:
#                                          committed and touched at start, so no run pays for page
#                                          faults of a growing heap, which made a 5,000-connection join
#                                          up to twice as slow on this VM)
#                                          GC="-XX:+UseShenandoahGC" (the server's collector)
#                                          WARM_ROUNDS=1 (how many times the warm-up runs; on this
#                                          VM a run still costs less than the one before it for
#                                          the first few measured runs, with 1 or 4 rounds alike,
#                                          so compare runs at the same position)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/pushlab.jar}
LABEL=${2:-$(basename "$JAR" .jar)}
JAVA=${JAVA:-java}
PORT=${PORT:-18080}
SIZES=${SIZES:-1000 5000}
TECHNIQUES=${TECHNIQUES:-sse websocket longpolling}
MESSAGES=${MESSAGES:-200}
RATE=${RATE:-20}
REPEAT=${REPEAT:-1}
WARM=${WARM:-1}
OUT=${OUT:-loadlab-reports/$LABEL}
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

taskset -c 0 "$JAVA" ${HEAP:--Xms4g -Xmx4g -XX:+AlwaysPreTouch} ${GC:--XX:+UseShenandoahGC} ${JVM_OPTS:-} -jar "$JAR" --server.port="$PORT" \
  --pushlab.raw-websocket.port=0 --pushlab.long-polling.max-queues-per-address=100000 \
  --management.endpoints.web.exposure.include=health,metrics --logging.level.root=WARN ${SERVER_OPTS:-} >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/actuator/health" >/dev/null 2>&1 && break
  sleep 0.5
done

gen() {
  taskset -c 1 java -Xmx2g -jar target/pushlab.jar loadlab --target "http://127.0.0.1:$PORT" --out "$OUT" --quiet "$@"
}

summary() { python3 bench/table.py --last "$2" "$1"; }

# A receiver that goes away is not closed at once by the server: an SSE stream stays in CLOSE_WAIT
# until its next heartbeat write (15 s) and holds its file descriptor for up to ~30 s. Without this
# wait, 10,000 closed SSE streams and a following 10,000-receiver run exceed `ulimit -n` 20,000.
settle() {
  for _ in $(seq 1 60); do
    [ "$(ls /proc/$SERVER/fd 2>/dev/null | wc -l)" -le "$((BASE_FDS + 50))" ] && return
    sleep 1
  done
}
BASE_FDS=$(ls /proc/$SERVER/fd | wc -l)

if [ "$WARM" = 1 ]; then
  # unreported: 10 s of traffic per technique and round, so both JIT compilers have the hot paths
  mkdir -p "$OUT/warmup"
  for _ in $(seq 1 "${WARM_ROUNDS:-1}"); do
    for t in $TECHNIQUES; do gen --technique "$t" --clients 1000 --messages 200 --rate 20 --out "$OUT/warmup" >/dev/null 2>&1 || true; settle; done
  done
fi
for n in $SIZES; do
  for t in $TECHNIQUES; do
    for i in $(seq 1 "$REPEAT"); do
      gen --technique "$t" --clients "$n" --messages "$MESSAGES" --rate "$RATE" --connect-concurrency 500 \
        >"$OUT/run-$t-$n-$i.txt" 2>&1 || true
      summary "$OUT" "$LABEL"
      settle
    done
  done
done
