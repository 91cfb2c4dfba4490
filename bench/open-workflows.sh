#!/usr/bin/env bash
# Open-workflows scale run against a standalone Sundial server (SQLite file, fsync per commit):
#   1. starts N workflows that sleep 1 h (official Java SDK client + worker), reports the start rate;
#   2. measures the server's heap used after a full GC, its RSS and a class histogram;
#   3. kill -9 and restart: time from process start to GetSystemInfo answering and to a new
#      workflow completing, plus the server's own "loaded N shards in X ms";
#   4. optionally (WAKE > 0) starts WAKE more workflows that all wake at one instant T and reports
#      the lateness of their first activity after the sleep.
# Usage: bench/open-workflows.sh [N]   (env: WAKE=20000 HEAP=512m PORT=7533 KEEP=1 OUT=dir)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
WAKE=${WAKE:-0}
HEAP=${HEAP:-512m}
PORT=${PORT:-7533}
UI_PORT=${UI_PORT:-$((PORT + 1))}
OUT=${OUT:-$(mktemp -d /tmp/sundial-open-XXXX)}
SERVER_JAR=${SERVER_JAR:-sundial-cli/target/sundial-cli-0.1.0-SNAPSHOT-all.jar}
BENCH_CP=${BENCH_CP:-bench/target/bench-0.1.0-SNAPSHOT-all.jar}
if [[ ! -f $SERVER_JAR || ! -e ${BENCH_CP%%:*} ]]; then
  mvn -q -B -pl sundial-cli,bench -am package -DskipTests
fi
mkdir -p "$OUT"
DB=$OUT/sundial.db
LOG=$OUT/server.log
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024)" MB"}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "output in $OUT"

# One argument a line: the restart mode re-runs exactly this command.
cat > "$OUT/server.cmd" <<EOF
java
-Xmx$HEAP
-Xlog:gc:file=$OUT/gc.log:uptime
-jar
$SERVER_JAR
server
start
--ip
127.0.0.1
--port
$PORT
--ui-port
$UI_PORT
--db-filename
$DB
EOF
mapfile -t CMD < "$OUT/server.cmd"
"${CMD[@]}" >> "$LOG" 2>&1 &
PID=$!
cleanup() { if [[ -z ${KEEP:-} ]]; then kill "$(cat "$OUT/server.pid" 2>/dev/null || echo $PID)" 2>/dev/null || true; fi; }
trap cleanup EXIT
echo $PID > "$OUT/server.pid"
for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

cat > "$OUT/logback.xml" <<'EOF'
<configuration>
  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder></appender>
  <root level="WARN"><appender-ref ref="E"/></root>
</configuration>
EOF
bench() {
  java -Xmx2g -Dlogback.configurationFile="$OUT/logback.xml" -cp "$BENCH_CP" \
    dev.sundial.bench.OpenWorkflows --target 127.0.0.1:$PORT "$@"
}

memory() { # $1 label, $2 pid
  jcmd "$2" GC.run > /dev/null
  local used rss
  used=$(jcmd "$2" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
  rss=$(awk '/VmRSS/ {print $2}' /proc/"$2"/status)
  jcmd "$2" GC.class_histogram | head -25 > "$OUT/histogram-$1.txt"
  echo "{\"memory\":\"$1\",\"heapUsedAfterGcMB\":$((used / 1024)),\"rssMB\":$((rss / 1024)),\"maxHeap\":\"$HEAP\"}"
}

echo "== start $N workflows sleeping 1 h"
bench --mode start --workflows "$N" --sleep-seconds 3600 | tee "$OUT/start.txt"
memory open-$N "$PID" | tee -a "$OUT/summary.jsonl"
tail -1 "$OUT/start.txt" >> "$OUT/summary.jsonl"

echo "== kill -9 and restart with $N open"
bench --mode restart --server-pid "$PID" --server-cmd "$OUT/server.cmd" --server-log "$LOG" \
  --pid-file "$OUT/server.pid" | tee "$OUT/restart.txt"
tail -1 "$OUT/restart.txt" >> "$OUT/summary.jsonl"
PID=$(cat "$OUT/server.pid")
grep -E 'loaded [0-9]+ shards in' "$LOG" | tail -1
memory after-restart "$PID" | tee -a "$OUT/summary.jsonl"

if (( WAKE > 0 )); then
  echo "== $WAKE more workflows all waking at one instant"
  bench --mode wake --workflows "$WAKE" | tee "$OUT/wake.txt"
  tail -1 "$OUT/wake.txt" >> "$OUT/summary.jsonl"
  memory after-wake "$PID" | tee -a "$OUT/summary.jsonl"
fi
echo "== summary ($OUT/summary.jsonl)"
cat "$OUT/summary.jsonl"
