#!/usr/bin/env bash
# Fetch the Kafka broker's jars once, with Maven, at the versions pinned in streaming/broker/pom.xml, into
# .run/kafka/libs (Maven keeps its own copy in ~/.m2). Prints that directory. Nothing is fetched at run time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LIBS="$ROOT/.run/kafka/libs"
POM="$ROOT/streaming/broker/pom.xml"
STAMP="$LIBS/.pom.sha256"
want="$(sha256sum "$POM" | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
  command -v mvn >/dev/null || { echo "the Kafka broker is fetched with Maven: apt-get install -y maven" >&2; exit 1; }
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  echo "==> fetching the Kafka broker's jars with Maven (once)" >&2
  mvn -q -B -f "$POM" org.apache.maven.plugins:maven-dependency-plugin:3.11.0:copy-dependencies \
    -DoutputDirectory="$LIBS" -DincludeScope=runtime >&2
  echo "$want" > "$STAMP"
fi
echo "$LIBS"
