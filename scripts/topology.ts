/**
 * `npm run topology -- apply | describe [--json] [--namespace <name>]`
 *
 * apply: creates missing topics, grows partitions and replaces drifted configs, sets each
 * subject's compatibility level and registers its schema, then prints what it changed and
 * what already matched. describe: the declared state of every topic next to the live one.
 * The replication factor comes from SEDANO_REPLICATION_FACTOR (default 1, the local broker).
 */
import { parseArgs } from 'node:util';
import { resolveEndpoints } from '../services/lib/endpoints.ts';
import { createKafkaClient } from '../services/lib/kafka.ts';
import { kafkaConnection } from '../services/lib/kafka-connection.ts';
import { createSchemaRegistry } from '../services/lib/schema-registry.ts';
import { applyDeclaredTopology, describeTopology } from '../services/lib/topology-apply.ts';
import { DEFAULT_NAMESPACE, topologyNames } from '../topology/names.ts';
import { describeChange } from '../topology/plan.ts';
import { declaredTopics } from '../topology/topics.ts';

const usage = 'usage: npm run topology -- apply | describe [--json] [--namespace <name>]';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    namespace: { type: 'string', default: process.env['SEDANO_NAMESPACE'] || DEFAULT_NAMESPACE },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const command = positionals[0];
if (values.help || (command !== 'apply' && command !== 'describe')) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

const replicationFactor = Number(process.env['SEDANO_REPLICATION_FACTOR'] ?? '1');
if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
  console.error(
    `SEDANO_REPLICATION_FACTOR must be a positive integer, got "${process.env['SEDANO_REPLICATION_FACTOR']}"`,
  );
  process.exit(2);
}
let names;
try {
  names = topologyNames(values.namespace);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const endpoints = resolveEndpoints(process.env);
const admin = await createKafkaClient({ ...kafkaConnection(process.env), clientId: 'sedano-topology' }).admin();
try {
  if (command === 'apply') {
    const { topics, schemas } = await applyDeclaredTopology({
      names,
      admin,
      registry: createSchemaRegistry(endpoints.schemaRegistryUrl),
      registryUrl: endpoints.schemaRegistryUrl,
      replicationFactor,
    });
    if (values.json) {
      console.log(JSON.stringify({ topics, schemas }, null, 2));
    } else {
      for (const change of topics.changes) console.log(`changed: ${describeChange(change)}`);
      for (const change of schemas.changes) console.log(`changed: ${change}`);
      for (const warning of topics.warnings) console.log(`warning: ${warning}`);
      const changes = topics.changes.length + schemas.changes.length;
      const matching = `${topics.matching.length} topic(s) and ${schemas.matching.length} subject(s)`;
      console.log(
        changes === 0
          ? `no change: ${matching} match their declaration`
          : `${changes} change(s) applied; ${matching} already matched`,
      );
    }
  } else {
    const states = await describeTopology(admin, declaredTopics(names, { replicationFactor }));
    if (values.json) {
      console.log(JSON.stringify(states, null, 2));
    } else {
      for (const { declared: topic, live } of states) {
        console.log(`${topic.name}`);
        console.log(
          `  declared: ${topic.partitions} partitions, replication ${topic.replicationFactor}, ${format(topic.configs)}`,
        );
        console.log(
          live
            ? `  live:     ${live.partitions} partitions, replication ${live.replicationFactor}, ${format(live.configs)}`
            : '  live:     (missing)',
        );
      }
    }
  }
} catch (error) {
  console.error(`topology ${command}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await admin.close();
}

function format(configs: Record<string, string>): string {
  return Object.entries(configs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}
