/**
 * `npm run topology -- apply | describe [--json]`
 *
 * apply: creates missing topics, grows partitions and replaces drifted configs, then prints
 * what it changed and what already matched. describe: the declared state next to the live one.
 * The replication factor comes from SEDANO_REPLICATION_FACTOR (default 1, the local broker).
 */
import { parseArgs } from 'node:util';
import { resolveEndpoints } from '../services/lib/endpoints.ts';
import { createKafkaClient } from '../services/lib/kafka.ts';
import { applyTopology, describeTopology } from '../topology/apply.ts';
import { describeChange } from '../topology/plan.ts';
import { declaredTopics } from '../topology/topics.ts';

const usage = 'usage: npm run topology -- apply | describe [--json]';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
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
const declared = declaredTopics({ replicationFactor });
const { kafkaBrokers } = resolveEndpoints();
const admin = await createKafkaClient({ brokers: kafkaBrokers, clientId: 'sedano-topology' }).admin();
try {
  if (command === 'apply') {
    const plan = await applyTopology(admin, declared);
    if (values.json) {
      console.log(JSON.stringify(plan, null, 2));
    } else {
      for (const change of plan.changes) console.log(`changed: ${describeChange(change)}`);
      for (const warning of plan.warnings) console.log(`warning: ${warning}`);
      console.log(
        plan.changes.length === 0
          ? `no change: all ${plan.matching.length} topics match their declaration`
          : `${plan.changes.length} change(s) applied; ${plan.matching.length} topic(s) already matched`,
      );
    }
  } else {
    const states = await describeTopology(admin, declared);
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
} finally {
  await admin.close();
}

function format(configs: Record<string, string>): string {
  return Object.entries(configs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}
