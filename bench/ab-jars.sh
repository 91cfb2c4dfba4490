#!/usr/bin/env bash
# A/B of two Sundial builds: the same LoadGen workload against each runnable JAR (standalone,
# SQLite, fsync per commit), alternated for a number of rounds, one throughput line per run.
#
#   bench/ab-jars.sh <jar A> <jar B> [--rounds N] -- <LoadGen options>
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
while (($#)); do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "ab-jars.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
LOADGEN=$(ls "$ROOT"/bench/target/bench-*-all.jar 2>/dev/null | head -1 || true)
if [[ -z "$LOADGEN" ]]; then
  (cd "$ROOT" && mvn -B -q package -DskipTests -pl bench -am)
  LOADGEN=$(ls "$ROOT"/bench/target/bench-*-all.jar | head -1)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((i = 1; i <= ROUNDS; i++)); do
  for label in A B; do
    jar=$A; [[ $label == B ]] && jar=$B
    port=$((20000 + RANDOM % 20000))
    rm -rf "$work/db"; mkdir -p "$work/db"
    java -Xms256m -Xmx1g -XX:+UseG1GC -jar "$jar" server start --port "$port" --headless \
      --http-port -1 --db-filename "$work/db/s.db" --log-level warn > "$work/server-$label.log" 2>&1 &
    server=$!
    for _ in $(seq 1 150); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
    line=$(java -cp "$LOADGEN" dev.sundial.bench.LoadGen --target "127.0.0.1:$port" "$@" 2>&1 \
      | grep -E "^Throughput|p50" | tr '\n' ' ')
    echo "$label round $i: $line"
    kill "$server"; wait "$server" 2>/dev/null || true
  done
done
