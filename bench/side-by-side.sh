#!/usr/bin/env bash
# Side-by-side benchmark: the same workload (LoadGen, activities) against Sundial standalone
# (SQLite, fsync per commit) and the Temporal Java SDK's in-memory test server, alternating
# A/B/A/B, each server a child JVM with the same flags; prints a table, the ratios and a JSON line.
# Loopback only. Default run: about 5 minutes on 2 cores plus the build.
#
#   bench/side-by-side.sh [--workflows N] [--warmup N] [--concurrency 16,64] [--rounds R]
#                         [--activities K] [--postgres] [--no-build] [--json-out FILE]
#                         [-- <more SideBySide options, see --help>]
#
#   --postgres   also run Sundial once on PostgreSQL: starts the throwaway cluster of
#                .ci/postgres.sh (left running, it is shared) and uses a fresh schema bench_<random>,
#                dropped afterwards.
#   --no-build   use the jars already built.
# Env: MVN_ARGS (extra Maven flags, e.g. -o), SERVER_JVM_OPTS (default -Xms256m -Xmx1g
# -XX:+UseG1GC), LOADGEN_JVM_OPTS (flags for the load generator JVM, default none).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD=1
POSTGRES=0
ARGS=()
while (($#)); do
  case "$1" in
    --workflows|--warmup|--concurrency|--rounds|--activities|--json-out|--duration-limit)
      [[ $# -ge 2 ]] || { echo "side-by-side.sh: $1 needs a value" >&2; exit 2; }
      ARGS+=("$1" "$2"); shift 2 ;;
    --postgres) POSTGRES=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --) shift; ARGS+=("$@"); break ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "side-by-side.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

BENCH_JAR="bench/target/bench-0.1.0-SNAPSHOT-all.jar"
SUNDIAL_JAR="sundial-cli/target/sundial-cli-0.1.0-SNAPSHOT-all.jar"
if ((BUILD)); then
  echo "Building bench and sundial-cli (mvn package -DskipTests)..."
  # shellcheck disable=SC2086
  mvn -q -B ${MVN_ARGS:-} -pl bench,sundial-cli -am package -DskipTests
fi
for j in "$BENCH_JAR" "$SUNDIAL_JAR"; do
  [[ -f "$j" ]] || { echo "side-by-side.sh: $j is missing (run without --no-build)" >&2; exit 1; }
done

SCHEMA=""
PG_URL=""
cleanup() {
  if [[ -n "$SCHEMA" ]]; then
    PGPASSWORD=sundial psql -q -h 127.0.0.1 -p "${SUNDIAL_PG_PORT:-55432}" -U sundial -d sundial \
      -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
if ((POSTGRES)); then
  bash .ci/postgres.sh start >/dev/null
  SCHEMA="bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
  PGPASSWORD=sundial psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${SUNDIAL_PG_PORT:-55432}" \
    -U sundial -d sundial -c "CREATE SCHEMA $SCHEMA"
  PG_URL="postgres://sundial:sundial@127.0.0.1:${SUNDIAL_PG_PORT:-55432}/sundial?schema=$SCHEMA"
  ARGS+=(--postgres-url "$PG_URL")
fi

echo "Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews results)"
# shellcheck disable=SC2086
java ${LOADGEN_JVM_OPTS:-} -cp "$BENCH_JAR" dev.sundial.bench.SideBySide \
  --sundial-jar "$SUNDIAL_JAR" \
  --server-jvm-opts "${SERVER_JVM_OPTS:--Xms256m -Xmx1g -XX:+UseG1GC}" \
  "${ARGS[@]}"
