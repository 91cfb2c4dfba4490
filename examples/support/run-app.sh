#!/usr/bin/env bash
# Builds a reference application when its JAR is missing or older than its sources (or Sundial's),
# then runs it in the foreground from its own directory, so its data lands in ./data.
# Usage (from an application's `run` script): run-app.sh <application directory> [args...]
set -euo pipefail
app_dir="$(cd "$1" && pwd)"
shift
name="$(basename "$app_dir")"
root="$(cd "$app_dir/../.." && pwd)"
jar="$app_dir/target/$name.jar"

needs_build() {
  [ -f "$jar" ] || return 0
  [ -n "$(find "$app_dir/src/main" "$app_dir/pom.xml" "$root/examples/support/src/main" \
      "$root/examples/pom.xml" "$root"/sundial-*/src/main -newer "$jar" -type f -print -quit)" ]
}

if needs_build; then
  echo "Building $name (first run, or sources changed)..." >&2
  (cd "$root" && mvn -B -q install -DskipTests -pl "examples/$name" -am)
fi
cd "$app_dir"
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
