#!/usr/bin/env bash
# One KRaft node: the storage is formatted on first start (a restart keeps every acknowledged message), then the
# broker runs in the foreground. KAFKA_ADVERTISED: where clients are told to connect (the compose network and the
# host); KAFKA_HEAP_MB: the JVM heap.
set -euo pipefail
DATA=/var/lib/kafka
CONFIG=/tmp/server.properties
cat >"$CONFIG" <<PROPERTIES
node.id=1
process.roles=broker,controller
listeners=PLAINTEXT://:9092,EXTERNAL://:29092,CONTROLLER://127.0.0.1:9093
advertised.listeners=${KAFKA_ADVERTISED:-PLAINTEXT://kafka:9092,EXTERNAL://127.0.0.1:29092}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.voters=1@127.0.0.1:9093
log.dirs=$DATA/data
num.partitions=${KAFKA_PARTITIONS:-3}
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPERTIES
CLASSPATH="/opt/kafka/libs/*"
if [ ! -f "$DATA/data/meta.properties" ]; then
  cluster="$(cat /proc/sys/kernel/random/uuid | tr -d - | cut -c1-22)"
  java -cp "$CLASSPATH" kafka.tools.StorageTool format -t "$cluster" -c "$CONFIG"
fi
exec java "-Xmx${KAFKA_HEAP_MB:-512}m" -Xms64m -XX:+UseSerialGC -Dkafka.logs.dir=/tmp/kafka-logs \
  -cp "$CLASSPATH" kafka.Kafka "$CONFIG"
