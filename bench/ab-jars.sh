#!/usr/bin/env bash
# A/B of two Sundial builds (or one build with two sets of server flags): the same LoadGen
# workload against each runnable JAR (standalone, SQLite, fsync per commit), alternated for a
# number of rounds, one line per run: throughput, latency, and the server's CPU time during the
# load (from /proc, so per workflow = cpu / --workflows).
#
#   bench/ab-jars.sh <jar A> <jar B> [--rounds N] [--a-args "..."] [--b-args "..."] -- <LoadGen options>
#   bench/ab-jars.sh J J --a-args "--metrics-port -1" -- --workflows 2000   # metrics off vs on
#   bench/ab-jars.sh /tmp/before.jar sundial-cli/target/sundial-cli-*-all.jar -- \
#       --workload signals --signals 5 --workflows 1000 --concurrency 32
#
# Build a JAR of another commit with: git worktree add /tmp/wt <commit> && (cd /tmp/wt &&
# mvn -q -o package -DskipTests -pl sundial-cli -am). LoadGen comes from bench/target (built here
# when missing). Loopback only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
A="$1"; B="$2"; shift 2
ROUNDS=3
A_ARGS=""; B_ARGS=""
while (($#)); do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --a-args) A_ARGS="$2"; shift 2 ;;
    --b-args) B_ARGS="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "ab-jars.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
LOADGEN=$(ls "$ROOT"/bench/target/bench-*-all.jar 2>/dev/null | head -1 || true)
if [[ -z "$LOADGEN" ]]; then
  (cd "$ROOT" && mvn -B -q package -DskipTests -pl bench -am)
  LOADGEN=$(ls "$ROOT"/bench/target/bench-*-all.jar | head -1)
fi
# The process's user + system CPU time in seconds (its JVM's threads included).
cpu_seconds() {
  local ticks
  ticks=$(awk '{print $14 + $15}' "/proc/$1/stat")
  echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((i = 1; i <= ROUNDS; i++)); do
  for label in A B; do
    jar=$A; args=$A_ARGS
    [[ $label == B ]] && jar=$B && args=$B_ARGS
    port=$((20000 + RANDOM % 20000))
    rm -rf "$work/db"; mkdir -p "$work/db"
    java -Xms256m -Xmx1g -XX:+UseG1GC -jar "$jar" server start --port "$port" --headless \
      --http-port -1 --db-filename "$work/db/s.db" --log-level warn $args > "$work/server-$label.log" 2>&1 &
    server=$!
    for _ in $(seq 1 150); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
    cpu0=$(cpu_seconds "$server")
    line=$(java -cp "$LOADGEN" dev.sundial.bench.LoadGen --target "127.0.0.1:$port" "$@" 2>&1 \
      | grep -E "^Throughput|p50" | tr '\n' ' ')
    cpu1=$(cpu_seconds "$server")
    echo "$label round $i: $line server cpu $(echo "$cpu1 - $cpu0" | bc) s"
    kill "$server"; wait "$server" 2>/dev/null || true
  done
done
