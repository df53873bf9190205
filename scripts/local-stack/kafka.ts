/**
 * Apache Kafka in KRaft mode: one combined broker/controller on 127.0.0.1.
 *
 * The broker's jars come from Maven Central through Maven (kafka/pom.xml, which also brings
 * the log4j2 backend the broker's POM leaves out); they stay in ~/.m2 and the resolved
 * classpath is cached. Storage is formatted once with kafka.tools.StorageTool.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_ENDPOINTS, LOCAL_PORTS } from '../../services/lib/endpoints.ts';
import { createKafkaClient } from '../../services/lib/kafka.ts';
import type { Component, StackContext } from './component.ts';
import { requireCommand, run } from './commands.ts';
import { findJava } from './java.ts';
import { canConnect } from './network.ts';

const MAVEN_HINT = 'Kafka is resolved from Maven Central with Maven (Debian: apt-get install -y maven)';

/** Heap of the broker JVM: enough for a development broker, small beside the registry and services. */
const HEAP = ['-Xms128m', '-Xmx512m'];

/** Resolves the broker's classpath with Maven, cached by the POM's content. */
async function brokerClasspath(context: StackContext): Promise<string> {
  const pom = join(context.root, 'scripts/local-stack/kafka/pom.xml');
  const digest = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 16);
  const cached = join(context.cacheDir, 'kafka', `classpath-${digest}.txt`);
  if (existsSync(cached)) {
    const classpath = readFileSync(cached, 'utf8').trim();
    if (classpath.split(':').every((jar) => existsSync(jar))) return classpath;
  }
  requireCommand('mvn', ['-v'], MAVEN_HINT);
  context.log('kafka: resolving the broker from Maven Central');
  mkdirSync(join(context.cacheDir, 'kafka'), { recursive: true });
  await run('mvn', ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${cached}`]);
  return readFileSync(cached, 'utf8').trim();
}

/**
 * A new cluster id: 16 random bytes in URL-safe base64, as Kafka's `random-uuid` makes them, and
 * like Kafka's never starting with '-': StorageTool's argument parser takes such an id after `-t`
 * for an option of its own and refuses to format (one id in 64; it once stopped a fresh start).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(dataDir: string): string {
  return `# Written by scripts/stack: a single KRaft broker/controller for development.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${LOCAL_PORTS.kafkaController}
listeners=PLAINTEXT://127.0.0.1:${LOCAL_PORTS.kafka},CONTROLLER://127.0.0.1:${LOCAL_PORTS.kafkaController}
advertised.listeners=PLAINTEXT://127.0.0.1:${LOCAL_PORTS.kafka}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
# One broker: internal topics cannot have more than one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests create many short-lived groups: do not wait for more members before the first rebalance.
group.initial.rebalance.delay.ms=0
# topology/ creates every topic explicitly; a typo must fail, not create a topic.
auto.create.topics.enable=false
`;
}

export const kafka: Component = {
  name: 'kafka',
  ports: [LOCAL_PORTS.kafka, LOCAL_PORTS.kafkaController],
  dependsOn: [],
  readyTimeoutMs: 90_000,
  stopTimeoutMs: 30_000,
  endpoint: LOCAL_ENDPOINTS.kafkaBrokers.join(','),
  rollingLog: 'server.log',

  async prepare(context) {
    const { java } = findJava(17, 'Kafka 4');
    const classpath = await brokerClasspath(context);
    const dataDir = join(context.stateDir, 'data');
    const properties = join(context.stateDir, 'server.properties');
    writeFileSync(properties, serverProperties(dataDir));
    const log4j = [
      `-Dlog4j2.configurationFile=${join(context.root, 'scripts/local-stack/kafka/log4j2.properties')}`,
      // Where log4j2.properties rolls the broker's full log (`rollingLog` below).
      `-Dsedano.logDir=${context.stateDir}`,
    ];
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      context.log('kafka: formatting storage');
      await run(java, [
        ...HEAP,
        ...log4j,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        newClusterId(),
        '-c',
        properties,
      ]);
    }
    return {
      command: java,
      marker: 'kafka.Kafka',
      args: [...HEAP, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', ...log4j, '-cp', classpath, 'kafka.Kafka', properties],
    };
  },

  async isReady() {
    if (!(await canConnect(LOCAL_PORTS.kafka))) return false;
    const admin = await createKafkaClient({
      brokers: LOCAL_ENDPOINTS.kafkaBrokers,
      clientId: 'sedano-stack',
      log: () => {},
    })
      .admin()
      .catch(() => undefined);
    if (!admin) return false;
    try {
      const cluster = await admin.describeCluster();
      return cluster.brokerCount > 0 && cluster.controllerId !== null;
    } catch {
      return false;
    } finally {
      await admin.close().catch(() => {});
    }
  },
};
