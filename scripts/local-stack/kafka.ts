/**
 * Apache Kafka in KRaft mode: one combined broker/controller on 127.0.0.1.
 *
 * Beside its plaintext listener it serves a secured one, SASL over TLS as managed clusters do
 * (`securedListener` below): a self-signed certificate made with the JDK's keytool, a PLAIN user
 * (Confluent Cloud's mechanism) and a SCRAM one (Amazon MSK's and Aiven's) with passwords made at
 * random for this clone, so the suite connects through `KAFKA_SASL_*` and `KAFKA_TLS_CA_FILE` to
 * a real broker (kafka-security.test.ts). The SCRAM user is written into the storage when it is
 * formatted (StorageTool's `--add-scram`, its password briefly on that local command line).
 *
 * The broker's jars come from Maven Central through Maven (kafka/pom.xml, which also brings
 * the log4j2 backend the broker's POM leaves out); they stay in ~/.m2 and the resolved
 * classpath is cached. Storage is formatted once with kafka.tools.StorageTool.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LOCAL_ENDPOINTS, LOCAL_PORTS } from '../../services/lib/endpoints.ts';
import { createKafkaClient } from '../../services/lib/kafka.ts';
import type { Component, StackContext } from './component.ts';
import { requireCommand, run } from './commands.ts';
import { findJava } from './java.ts';
import { canConnect } from './network.ts';
import { stateDir } from './paths.ts';
import { keepPrivate, writePrivateFile } from './private-files.ts';

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

/** The secured listener: where it is, who may connect, and the certificate to trust (a PEM file). */
export interface SecuredListener {
  brokers: string[];
  /** The PLAIN user. */
  username: string;
  password: string;
  caFile: string;
  /**
   * A SCRAM user (SCRAM-SHA-256 and SCRAM-SHA-512), as Amazon MSK and Aiven have: made when the
   * storage is formatted, so absent from a stack formatted before there was one.
   */
  scram?: { username: string; password: string };
}

/** The SCRAM user's name; its password is made at random with the others. */
const SCRAM_USER = 'sedano-scram';

/** The SCRAM mechanisms the secured listener accepts, both for the one user. */
const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/** The secured listener's description, written when the broker is prepared (next to its data). */
function securedListenerFile(kafkaStateDir: string): string {
  return join(kafkaStateDir, 'secured-listener.json');
}

/** The local stack's secured listener, as its last start wrote it; undefined when it never ran here. */
export function securedListener(env: NodeJS.ProcessEnv = process.env): SecuredListener | undefined {
  const file = securedListenerFile(join(stateDir(env), 'kafka'));
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SecuredListener) : undefined;
}

/**
 * The secured listener's certificate and credentials, made once per clone: a PKCS#12 key store
 * with a self-signed certificate for 127.0.0.1 (the JDK's keytool, next to the Java that runs
 * the broker), its certificate as PEM for clients, and random passwords for the PLAIN user and
 * the SCRAM one.
 */
async function prepareSecuredListener(
  java: string,
  kafkaStateDir: string,
): Promise<Omit<SecuredListener, 'scram'> & { keyStore: string; keyStorePassword: string; scramPassword: string }> {
  const dir = join(kafkaStateDir, 'tls');
  const keyStore = join(dir, 'broker.p12');
  const secretsFile = join(dir, 'secrets.json');
  const caFile = join(dir, 'broker-ca.pem');
  if (!existsSync(secretsFile) || !existsSync(keyStore) || !existsSync(caFile)) {
    mkdirSync(dir, { recursive: true });
    const secrets = {
      keyStorePassword: randomBytes(18).toString('base64url'),
      password: randomBytes(18).toString('base64url'),
    };
    const keytool = join(dirname(java), 'keytool');
    // The password goes through the environment, never the command line (which `run` repeats on failure).
    const store = ['-keystore', keyStore, '-storetype', 'PKCS12', '-storepass:env', 'SEDANO_KEYSTORE_PASSWORD'];
    const env = { SEDANO_KEYSTORE_PASSWORD: secrets.keyStorePassword };
    await run(
      keytool,
      [
        '-genkeypair',
        '-alias',
        'broker',
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-validity',
        '3650',
        '-dname',
        'CN=127.0.0.1',
        '-ext',
        'SAN=ip:127.0.0.1,dns:localhost',
        '-ext',
        'BC:c=ca:true',
        ...store,
      ],
      { env },
    );
    await run(keytool, ['-exportcert', '-rfc', '-alias', 'broker', '-file', caFile, ...store], { env });
    writePrivateFile(secretsFile, JSON.stringify(secrets));
  }
  // Also a key store an earlier version left readable to all (keytool writes with the umask).
  keepPrivate(keyStore);
  const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string | undefined>;
  // Secrets written before there was a SCRAM user gain its password.
  if (secrets['scramPassword'] === undefined) {
    secrets['scramPassword'] = randomBytes(18).toString('base64url');
    writePrivateFile(secretsFile, JSON.stringify(secrets));
  }
  return {
    brokers: [`127.0.0.1:${LOCAL_PORTS.kafkaSecured}`],
    username: 'sedano-local',
    password: secrets['password']!,
    caFile,
    keyStore,
    keyStorePassword: secrets['keyStorePassword']!,
    scramPassword: secrets['scramPassword'],
  };
}

function serverProperties(
  dataDir: string,
  secured: Omit<SecuredListener, 'scram'> & { keyStore: string; keyStorePassword: string },
): string {
  return `# Written by scripts/stack: a single KRaft broker/controller for development.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${LOCAL_PORTS.kafkaController}
listeners=PLAINTEXT://127.0.0.1:${LOCAL_PORTS.kafka},SASL_SSL://127.0.0.1:${LOCAL_PORTS.kafkaSecured},CONTROLLER://127.0.0.1:${LOCAL_PORTS.kafkaController}
advertised.listeners=PLAINTEXT://127.0.0.1:${LOCAL_PORTS.kafka},SASL_SSL://127.0.0.1:${LOCAL_PORTS.kafkaSecured}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
# The secured listener: SASL over TLS, a PLAIN user (prepareSecuredListener) and a SCRAM one,
# whose credentials the storage got when it was formatted (--add-scram, below).
listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,${SCRAM_MECHANISMS.join(',')}
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${secured.username}="${secured.password}";
${SCRAM_MECHANISMS.map((mechanism) => `listener.name.sasl_ssl.${mechanism.toLowerCase()}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`).join('\n')}
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=${secured.keyStore}
listener.name.sasl_ssl.ssl.keystore.password=${secured.keyStorePassword}
listener.name.sasl_ssl.ssl.key.password=${secured.keyStorePassword}
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
  ports: [LOCAL_PORTS.kafka, LOCAL_PORTS.kafkaSecured, LOCAL_PORTS.kafkaController],
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
    const secured = await prepareSecuredListener(java, context.stateDir);
    writePrivateFile(properties, serverProperties(dataDir, secured));
    const log4j = [
      `-Dlog4j2.configurationFile=${join(context.root, 'scripts/local-stack/kafka/log4j2.properties')}`,
      // Where log4j2.properties rolls the broker's full log (`rollingLog` below).
      `-Dsedano.logDir=${context.stateDir}`,
    ];
    // Written once the storage holds the SCRAM user: a stack formatted before has none.
    const scramMarker = join(context.stateDir, 'scram-user-formatted');
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      context.log('kafka: formatting storage');
      const scramUsers = SCRAM_MECHANISMS.flatMap((mechanism) => [
        '--add-scram',
        `${mechanism}=[name=${SCRAM_USER},password=${secured.scramPassword}]`,
      ]);
      const format = [...HEAP, ...log4j, '-cp', classpath, 'kafka.tools.StorageTool', 'format'];
      await run(java, [...format, '-t', newClusterId(), '-c', properties, ...scramUsers]).catch((error: unknown) => {
        // `run` repeats the command line, which holds the SCRAM password.
        throw new Error((error as Error).message.replaceAll(secured.scramPassword, '[REDACTED]'));
      });
      writePrivateFile(scramMarker, `${SCRAM_USER}\n`);
    }
    const listener: SecuredListener = {
      brokers: secured.brokers,
      username: secured.username,
      password: secured.password,
      caFile: secured.caFile,
      ...(existsSync(scramMarker) ? { scram: { username: SCRAM_USER, password: secured.scramPassword } } : {}),
    };
    writePrivateFile(securedListenerFile(context.stateDir), JSON.stringify(listener));
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
