// A single-node KRaft Kafka broker (broker and controller in one JVM), from the jars streaming/broker/fetch.sh
// fetched: what `STREAMING=1 npm start` runs (data in .run/kafka/data) and what the stream tests start on ports
// of their own. Listens on 127.0.0.1 only.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The jars' directory, fetched with Maven the first time. */
export function brokerLibs() {
  const fetched = spawnSync('bash', [join(ROOT, 'streaming/broker/fetch.sh')], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (fetched.status !== 0) throw new Error('could not fetch the Kafka broker (streaming/broker/fetch.sh)');
  return fetched.stdout.trim();
}

/** server.properties for one node on `port` (clients) and `controllerPort`, keeping its data in `dataDir`. */
export function brokerProperties({ port, controllerPort, dataDir, partitions = 3 }) {
  return [
    'node.id=1',
    'process.roles=broker,controller',
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `log.dirs=${dataDir}`,
    `num.partitions=${partitions}`,
    // One node: the internal topics (offsets, transactions) have one replica.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics are made on purpose (the connector creates its own), never by a typo.
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

const answers = (port) =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/**
 * The broker's command line for one node in `dir` (formatted once: a restart with the same `dir` keeps every
 * acknowledged message): what npm start supervises and what startBroker runs.
 */
export function brokerCommand({ dir, port, controllerPort, heapMb = 256 }) {
  const classpath = `${brokerLibs()}/*`;
  const dataDir = join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  const properties = join(dir, 'server.properties');
  writeFileSync(properties, brokerProperties({ port, controllerPort, dataDir }));
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    const clusterId = randomUUID().replaceAll('-', '').slice(0, 22);
    const formatted = spawnSync('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties], { encoding: 'utf-8' });
    if (formatted.status !== 0) throw new Error(`kafka storage format failed: ${formatted.stderr}`);
  }
  const args = [`-Xmx${heapMb}m`, '-Xms64m', '-XX:+UseSerialGC', `-Dkafka.logs.dir=${join(dir, 'logs')}`, '-cp', classpath, 'kafka.Kafka', properties];
  return { command: 'java', args };
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export const brokerAnswers = answers;

/** Starts a broker (brokerCommand) and resolves once it accepts connections; `kill('SIGKILL')` is a crash. */
export async function startBroker({ dir, port, controllerPort, heapMb = 256, log = 'ignore' }) {
  const { command, args } = brokerCommand({ dir, port, controllerPort, heapMb });
  const broker = spawn(command, args, { stdio: ['ignore', log, log] });
  for (let i = 0; i < 240; i++) {
    if (broker.exitCode !== null) throw new Error(`the Kafka broker exited (${broker.exitCode}) before answering on ${port}`);
    if (await answers(port)) return broker;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  broker.kill('SIGKILL');
  throw new Error(`the Kafka broker did not answer on 127.0.0.1:${port} within 60 s`);
}
