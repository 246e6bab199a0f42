#!/usr/bin/env bash
# Heap per idle connection, as docs/benchmarks.md describes: a fresh server pinned to core 0,
# live heap after a full GC (jcmd GC.class_histogram) at each reading, heap used with 0 and with N idle connections of one technique.
#
#   bench/idle-memory.sh [jar] [technique: sse|websocket] [N=5000]     env: PORT=18090 JAVA=java
#                                                                      SERVER_OPTS="..." (extra server arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/pushlab.jar}
TECHNIQUE=${2:-sse}
N=${3:-5000}
JAVA=${JAVA:-java}
PORT=${PORT:-18090}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
taskset -c 0 "$JAVA" -Xms1g -Xmx4g -XX:+UseShenandoahGC -jar "$JAR" --server.port="$PORT" \
  --pushlab.raw-websocket.port=0 --pushlab.websocket.max-messages-per-second=0 \
  --management.endpoints.web.exposure.include=health,metrics --logging.level.root=WARN ${SERVER_OPTS:-} >/tmp/idle-memory-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/actuator/health" >/dev/null 2>&1 && break; sleep 0.5; done
heap() {
  # the class histogram runs a full, stop-the-world collection first and sums what is live
  jcmd "$SERVER" GC.class_histogram | awk '/^Total/ {print $3}'
}
rss() { awk '/VmRSS/ {print $2 * 1024}' "/proc/$SERVER/status"; }
BEFORE=$(heap); RSS0=$(rss)
FIFO=$(mktemp -u); mkfifo "$FIFO"
python3 bench/idle_clients.py "$PORT" "$TECHNIQUE" "$N" <"$FIFO" >/tmp/idle-clients.out 2>&1 &
CLIENTS=$!
exec 3>"$FIFO"
for _ in $(seq 1 240); do grep -q ready /tmp/idle-clients.out 2>/dev/null && break; kill -0 $CLIENTS 2>/dev/null || break; sleep 0.5; done
grep -q ready /tmp/idle-clients.out || { cat /tmp/idle-clients.out; exit 1; }
sleep 2  # let the joins' presence settle before the reading
AFTER=$(heap); RSS1=$(rss)
exec 3>&-; wait $CLIENTS || true; rm -f "$FIFO"
python3 -c "
b,a,n,r0,r1=$BEFORE,$AFTER,$N,$RSS0,$RSS1
print(f'$TECHNIQUE: {n} idle connections: heap {(a-b)/n/1024:.1f} KB per connection ({b/2**20:.0f} -> {a/2**20:.0f} MB), RSS {(r1-r0)/n/1024:.1f} KB per connection')"
