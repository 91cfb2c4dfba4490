#!/usr/bin/env bash
# Memory under a list-query flood: starts the standalone server through ./sundial (its default
# heap unless SUNDIAL_JAVA_OPTS says otherwise) on a fresh SQLite file, then runs MemoryFlood
# (N workflows with 4 KB memos, CLIENTS clients listing 1,000 rows for SECONDS) and prints the
# server's peak RSS.
# Usage: bench/memory-flood.sh [N=2000] [CLIENTS=20] [SECONDS=60]   (env: PORT=7633 SUNDIAL_JAVA_OPTS)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-7633}
BENCH_CP=${BENCH_CP:-bench/target/bench-0.1.0-SNAPSHOT-all.jar}
OUT=$(mktemp -d /tmp/sundial-memory-XXXX)
if [[ ! -e $BENCH_CP ]]; then
  mvn -q -B -pl bench -am package -DskipTests
fi
./sundial server start --port "$PORT" --headless --http-port -1 -f "$OUT/sundial.db" \
  > "$OUT/server.log" 2>&1 &
launcher=$!
trap 'kill $launcher 2>/dev/null || true; wait $launcher 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 1 600); do
  grep -q "gRPC" "$OUT/server.log" 2>/dev/null && break
  sleep 0.2
done
echo "server: $(tr '\0' ' ' < /proc/$launcher/cmdline | cut -c1-120)"
printf '<configuration><root level="WARN"/></configuration>\n' > "$OUT/logback.xml"
java -Dlogback.configurationFile="$OUT/logback.xml" -cp "$BENCH_CP" dev.sundial.bench.MemoryFlood "127.0.0.1:$PORT" "$launcher" "$@"
