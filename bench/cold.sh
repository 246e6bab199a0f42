#!/usr/bin/env bash
# Cold start: for each variant and technique, starts a FRESH server pinned to core 0, records
# its start-up time (launch to /actuator/health answering 200 UP, and Spring's "Started ... in
# X seconds"), then at once runs the load lab on core 1 (no load-lab warm-up) and prints p99,
# max and the server's CPU; then kills the server. Variants alternate inside each repetition,
# so machine noise hits them alike. The load lab's JSON reports stay in $OUT.
#
#   bench/cold.sh [jar]     env: VARIANTS="plain warmup c1 cds" REPEAT=3 TECHNIQUES="websocket sse"
#                                CLIENTS=1000 MESSAGES=200 RATE=20 JAVA=java PORT=18391
#                                OUT=loadlab-reports/cold
# Variants:
#   plain   java -jar, --pushlab.warmup.enabled=false
#   warmup  java -jar (the start-up warm-up, on by default)
#   c1      java -XX:TieredStopAtLevel=1 -jar, warm-up off
#   cds     Boot's extracted layout (-Djarmode=tools extract) with a dynamic CDS archive from a
#           training run (-XX:ArchiveClassesAtExit, -Dspring.context.exit=onRefresh), warm-up off
#   cdswarm the same with the warm-up on
#   aotcds  the CDS variant of $AOT_JAR, a jar built with Spring AOT (spring-boot-maven-plugin's
#           process-aot goal), run with -Dspring.aot.enabled=true, warm-up off
# STARTUP_ONLY=1 measures start-up only (no load lab), once per variant and repetition.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$(realpath "${1:-target/pushlab.jar}")
JAVA=${JAVA:-java}
PORT=${PORT:-18391}
VARIANTS=${VARIANTS:-plain warmup c1 cds}
REPEAT=${REPEAT:-3}
TECHNIQUES=${TECHNIQUES:-websocket sse}
CLIENTS=${CLIENTS:-1000}
MESSAGES=${MESSAGES:-200}
RATE=${RATE:-20}
OUT=$(realpath -m "${OUT:-loadlab-reports/cold}")
CDS=$OUT/cds
AOT_CDS=$OUT/aot-cds
STARTUP_ONLY=${STARTUP_ONLY:-0}
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
COMMON=(--server.port="$PORT" --pushlab.raw-websocket.port=0
  --management.endpoints.web.exposure.include=health,metrics
  --logging.level.root=WARN --logging.level.io.pushlab=INFO)

if [[ " $VARIANTS " == *" cds"* ]] && [ ! -f "$CDS/app.jsa" ]; then
  rm -rf "$CDS"
  "$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$CDS" >/dev/null
  # training run: the context refreshes, then the JVM exits and writes the archive
  taskset -c 0 "$JAVA" -XX:ArchiveClassesAtExit="$CDS/app.jsa" -Dspring.context.exit=onRefresh \
    -jar "$CDS/$(basename "$JAR")" "${COMMON[@]}" >"$OUT/cds-training.log" 2>&1 || true
  [ -f "$CDS/app.jsa" ] || { echo "no CDS archive, see $OUT/cds-training.log" >&2; exit 1; }
fi

if [[ " $VARIANTS " == *" aotcds "* ]] && [ ! -f "$AOT_CDS/app.jsa" ]; then
  AOT_JAR=$(realpath "${AOT_JAR:?aotcds needs AOT_JAR, a jar built with process-aot}")
  rm -rf "$AOT_CDS"
  "$JAVA" -Djarmode=tools -jar "$AOT_JAR" extract --destination "$AOT_CDS" >/dev/null
  taskset -c 0 "$JAVA" -Dspring.aot.enabled=true -XX:ArchiveClassesAtExit="$AOT_CDS/app.jsa" \
    -Dspring.context.exit=onRefresh -jar "$AOT_CDS/$(basename "$AOT_JAR")" "${COMMON[@]}" \
    >"$OUT/aot-cds-training.log" 2>&1 || true
  [ -f "$AOT_CDS/app.jsa" ] || { echo "no AOT CDS archive, see $OUT/aot-cds-training.log" >&2; exit 1; }
fi

command_for() {
  case "$1" in
    plain) echo "-jar $JAR --pushlab.warmup.enabled=false" ;;
    warmup) echo "-jar $JAR" ;;
    c1) echo "-XX:TieredStopAtLevel=1 -jar $JAR --pushlab.warmup.enabled=false" ;;
    cds) echo "-XX:SharedArchiveFile=$CDS/app.jsa -jar $CDS/$(basename "$JAR") --pushlab.warmup.enabled=false" ;;
    cdswarm) echo "-XX:SharedArchiveFile=$CDS/app.jsa -jar $CDS/$(basename "$JAR")" ;;
    aotcds) echo "-Dspring.aot.enabled=true -XX:SharedArchiveFile=$AOT_CDS/app.jsa -jar $AOT_CDS/$(basename "$AOT_JAR") --pushlab.warmup.enabled=false" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
HZ=$(getconf CLK_TCK)

summary() {
  python3 - "$1" "$2" "$3" "$4" "$5" "$6" <<'PY'
import json, sys
f, variant, startup, started, srvcpu, load = sys.argv[1:]
r = json.load(open(f))
for run in r['runs']:
    lat = run['latencyMs']
    print(f"{variant:>8} {run['technique']:>9} start-up {startup:>6} s (Spring {started:>6} s) "
          f"conn {run['connected']}/{run['clients']} in {run['connectSeconds']:5.1f}s lost {run['lost']} "
          f"p50 {lat['p50']:8.1f} p99 {lat['p99']:8.1f} max {lat['max']:8.1f} ms "
          f"server CPU {srvcpu} s/{run['runSeconds']:.1f} s"
          + (" GENERATOR-BOUND" if run.get('generatorBound') else "") + f" load {load}", flush=True)
PY
}

SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; wait 2>/dev/null' EXIT
[ "$STARTUP_ONLY" = 1 ] && TECHNIQUES=startup
for rep in $(seq 1 "$REPEAT"); do
  for t in $TECHNIQUES; do
    for v in $VARIANTS; do
      while ss -ltnH "sport = :$PORT" | grep -q .; do sleep 0.5; done # the port must be free
      load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')
      log="$OUT/server-$v-$t-$rep.log"
      t0=$(date +%s.%N)
      # shellcheck disable=SC2046
      taskset -c 0 "$JAVA" -Xms1g -Xmx4g -XX:+UseShenandoahGC $(command_for "$v") "${COMMON[@]}" >"$log" 2>&1 &
      SERVER=$!
      until curl -fs -o /dev/null "http://127.0.0.1:$PORT/actuator/health"; do
        kill -0 $SERVER 2>/dev/null || { echo "server $v died, see $log" >&2; exit 1; }
        sleep 0.05
      done
      t1=$(date +%s.%N)
      ss -ltnpH "sport = :$PORT" | grep -q "pid=$SERVER," || { echo "port $PORT is not our server's" >&2; exit 1; }
      startup=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
      started=$(grep -o 'Started PushLabApplication in [0-9.]*' "$log" | awk '{print $4}' || true)
      if [ "$STARTUP_ONLY" = 1 ]; then
        echo "$(printf '%8s' "$v") start-up $startup s (Spring ${started:--} s) server CPU $(python3 -c "print(f'{$(cpu_ticks $SERVER) / $HZ:.1f}')") s load $load"
        kill $SERVER 2>/dev/null || true
        wait $SERVER 2>/dev/null || true
        SERVER=
        continue
      fi
      c0=$(cpu_ticks $SERVER)
      dir="$OUT/$v-$t-$rep"
      mkdir -p "$dir"
      taskset -c 1 "$JAVA" -Xmx2g -jar "$JAR" loadlab --target "http://127.0.0.1:$PORT" --technique "$t" \
        --clients "$CLIENTS" --messages "$MESSAGES" --rate "$RATE" --warmup 0 --connect-concurrency 500 \
        --drain 3000 --out "$dir" --quiet >"$dir/stdout.txt" 2>&1 || true
      c1=$(cpu_ticks $SERVER)
      srvcpu=$(python3 -c "print(f'{($c1 - $c0) / $HZ:.1f}')")
      kill $SERVER 2>/dev/null || true
      wait $SERVER 2>/dev/null || true
      SERVER=
      f=$(ls "$dir"/loadlab-*.json 2>/dev/null | head -1)
      if [ -n "$f" ]; then summary "$f" "$v" "$startup" "${started:--}" "$srvcpu" "$load"
      else echo "$v $t: no report, see $dir/stdout.txt"; fi
    done
  done
done
