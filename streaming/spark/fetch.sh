#!/usr/bin/env bash
# Fetch Spark's Kafka connector once, with Maven, at the version pinned in streaming/spark/pom.xml (pyspark's),
# into .run/spark-kafka (Maven keeps its own copy in ~/.m2). Prints the jars, comma-separated (spark.jars).
# The jars pyspark already has (Spark's own, Hadoop's client, Scala, compression codecs) are left out.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JARS="$ROOT/.run/spark-kafka"
POM="$ROOT/streaming/spark/pom.xml"
STAMP="$JARS/.pom.sha256"
# Fetched again when the pom or this script changes.
want="$(cat "$POM" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
  command -v mvn >/dev/null || { echo "Spark's Kafka connector is fetched with Maven: apt-get install -y maven" >&2; exit 1; }
  rm -rf "$JARS" && mkdir -p "$JARS"
  echo "==> fetching Spark's Kafka connector with Maven (once)" >&2
  mvn -q -B -f "$POM" org.apache.maven.plugins:maven-dependency-plugin:3.11.0:copy-dependencies \
    -DoutputDirectory="$JARS" -DincludeScope=runtime \
    -DexcludeGroupIds=org.apache.spark,org.apache.hadoop,org.scala-lang,org.slf4j,com.github.luben,org.lz4,at.yawk.lz4,org.xerial.snappy,com.google.code.findbugs >&2
  # Spark's token provider for Kafka is Spark's own group but not in pyspark: fetched beside the connector.
  mvn -q -B -f "$POM" org.apache.maven.plugins:maven-dependency-plugin:3.11.0:copy-dependencies \
    -DoutputDirectory="$JARS" -DincludeScope=runtime -DincludeArtifactIds=spark-sql-kafka-0-10_2.13,spark-token-provider-kafka-0-10_2.13 >&2
  echo "$want" > "$STAMP"
fi
ls "$JARS"/*.jar | paste -sd, -
