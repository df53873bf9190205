/**
 * The schema registry: Apicurio Registry 3.x, served with its Confluent-compatible API under
 * /apis/ccompat/v7, storing schemas in Kafka (its "kafkasql" storage), so they survive a
 * restart of the registry and ids never change.
 *
 * Its `-all.tar.gz` distribution comes from Maven Central (io.apicurio:apicurio-registry-app)
 * and is unpacked into the cache. Apicurio 3.3 needs Java 21 or newer. Differences from
 * Confluent's registry that matter to sedano are listed in scripts/local-stack/README.md.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_ENDPOINTS, LOCAL_PORTS } from '../../services/lib/endpoints.ts';
import type { Component, StackContext } from './component.ts';
import { requireCommand, run } from './commands.ts';
import { findJava } from './java.ts';
import { answersHttp } from './network.ts';

/** The Apicurio Registry release run locally. */
export const APICURIO_VERSION = '3.3.3';
const ARTIFACT = `io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`;

/** Kafka topics Apicurio keeps its state in (it creates them itself). */
const TOPIC_PREFIX = '_sedano-registry';

async function apicurioHome(context: StackContext): Promise<string> {
  const home = join(context.cacheDir, 'apicurio', APICURIO_VERSION);
  if (existsSync(join(home, 'quarkus-run.jar'))) return home;
  requireCommand(
    'mvn',
    ['-v'],
    'Apicurio Registry is resolved from Maven Central with Maven (Debian: apt-get install -y maven)',
  );
  context.log(`schema-registry: fetching Apicurio Registry ${APICURIO_VERSION} from Maven Central`);
  // Maven copies the archive to a directory of ours: its local repository follows Java's
  // user.home (the passwd entry), which need not be $HOME (CI containers often differ).
  const download = `${home}.download`;
  const partial = `${home}.partial`;
  for (const dir of [download, partial]) rmSync(dir, { recursive: true, force: true });
  await run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${download}`]);
  mkdirSync(partial, { recursive: true });
  await run('tar', ['xzf', join(download, `apicurio-registry-app-${APICURIO_VERSION}-all.tar.gz`), '-C', partial]);
  renameSync(partial, home);
  rmSync(download, { recursive: true, force: true });
  return home;
}

export const schemaRegistry: Component = {
  name: 'schema-registry',
  ports: [LOCAL_PORTS.schemaRegistry, LOCAL_PORTS.schemaRegistryManagement],
  dependsOn: ['kafka'],
  readyTimeoutMs: 120_000,
  stopTimeoutMs: 20_000,
  endpoint: LOCAL_ENDPOINTS.schemaRegistryUrl,

  async prepare(context) {
    const { java } = findJava(21, `Apicurio Registry ${APICURIO_VERSION}`);
    const home = await apicurioHome(context);
    const properties = {
      'quarkus.http.host': '127.0.0.1',
      'quarkus.http.port': LOCAL_PORTS.schemaRegistry,
      // The management interface (health, metrics) cannot be turned off, only moved.
      'quarkus.management.host': '127.0.0.1',
      'quarkus.management.port': LOCAL_PORTS.schemaRegistryManagement,
      'apicurio.storage.kind': 'kafkasql',
      'apicurio.kafkasql.bootstrap.servers': LOCAL_ENDPOINTS.kafkaBrokers.join(','),
      'apicurio.kafkasql.topic': `${TOPIC_PREFIX}-journal`,
      'apicurio.kafkasql.snapshots.topic': `${TOPIC_PREFIX}-snapshots`,
      'apicurio.events.kafka.topic': `${TOPIC_PREFIX}-events`,
      'apicurio.kafkasql.consumer.group-prefix': `${TOPIC_PREFIX}-`,
      // The default (5 s) is waited twice during start-up on an empty journal.
      'apicurio.kafkasql.consumer.poll.timeout': 1000,
      'apicurio.storage.snapshot.location': join(context.stateDir, 'snapshots'),
      // Confluent's registry defaults to BACKWARD; Apicurio's to NONE.
      'apicurio.rules.global.compatibility': 'BACKWARD',
      // Let the Confluent API delete subjects and versions, as Confluent's does.
      'apicurio.rest.deletion.artifact.enabled': true,
      'apicurio.rest.deletion.artifact-version.enabled': true,
    };
    return {
      command: java,
      marker: 'quarkus-run.jar',
      cwd: context.stateDir,
      args: [
        '-Xms64m',
        '-Xmx384m',
        '-XX:MaxMetaspaceSize=160m',
        '-XX:+UseSerialGC',
        ...Object.entries(properties).map(([key, value]) => `-D${key}=${value}`),
        '-jar',
        join(home, 'quarkus-run.jar'),
      ],
    };
  },

  isReady: () => answersHttp(`http://127.0.0.1:${LOCAL_PORTS.schemaRegistryManagement}/health/ready`),
};
