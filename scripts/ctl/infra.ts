/**
 * `ctl topology apply|describe` and `ctl stack up|down|status`: the same work as
 * `npm run topology` and `scripts/stack`, through their modules (topology/apply.ts,
 * scripts/local-stack/stack.ts).
 */
import type { Command } from 'commander';
import type { ComponentName } from '../../services/lib/endpoints.ts';
import { createSchemaRegistry } from '../../services/lib/schema-registry.ts';
import { applyDeclaredTopology, describeTopology } from '../../services/lib/topology-apply.ts';
import { describeChange } from '../../topology/plan.ts';
import { declaredTopics } from '../../topology/topics.ts';
import { COMPONENTS, stackDown, stackStatus, stackUp } from '../local-stack/stack.ts';
import type { CtlAction } from './command-context.ts';
import { CtlError, formatTable, UsageError } from './output.ts';

/** SEDANO_REPLICATION_FACTOR, as `npm run topology` reads it (default 1). */
export function replicationFactor(env: NodeJS.ProcessEnv): number {
  const text = env['SEDANO_REPLICATION_FACTOR'] ?? '1';
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) {
    throw new UsageError(`SEDANO_REPLICATION_FACTOR must be a positive integer, got "${text}"`);
  }
  return value;
}

function formatConfigs(configs: Record<string, string>): string {
  return Object.entries(configs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

export function registerInfra(program: Command, run: CtlAction): void {
  const topology = program.command('topology').description('the declared topics and subjects (topology/)');
  topology
    .command('apply')
    .description('creates missing topics, grows partitions, replaces drifted configs, registers subjects')
    .action(
      run(async ({ out, clients, env, names }) => {
        const { topics, schemas } = await applyDeclaredTopology({
          names,
          admin: await clients.admin(),
          registry: createSchemaRegistry(clients.endpoints.schemaRegistryUrl),
          registryUrl: clients.endpoints.schemaRegistryUrl,
          replicationFactor: replicationFactor(env),
        });
        if (out.json) {
          out.data({ topics, schemas });
          return;
        }
        for (const change of topics.changes) out.line(`changed: ${describeChange(change)}`);
        for (const change of schemas.changes) out.line(`changed: ${change}`);
        for (const warning of topics.warnings) out.line(`warning: ${warning}`);
        const changes = topics.changes.length + schemas.changes.length;
        const matching = `${topics.matching.length} topic(s) and ${schemas.matching.length} subject(s)`;
        out.line(
          changes === 0
            ? `no change: ${matching} match their declaration`
            : `${changes} change(s) applied; ${matching} already matched`,
        );
      }),
    );
  topology
    .command('describe')
    .description('the declared state of every topic next to the live one')
    .action(
      run(async ({ out, clients, env, names }) => {
        const states = await describeTopology(
          await clients.admin(),
          declaredTopics(names, { replicationFactor: replicationFactor(env) }),
        );
        if (out.json) {
          out.data(states);
          return;
        }
        for (const { declared, live } of states) {
          out.line(declared.name);
          out.line(
            `  declared: ${declared.partitions} partitions, replication ${declared.replicationFactor}, ${formatConfigs(declared.configs)}`,
          );
          out.line(
            live
              ? `  live:     ${live.partitions} partitions, replication ${live.replicationFactor}, ${formatConfigs(live.configs)}`
              : '  live:     (missing)',
          );
        }
      }),
    );

  const stack = program.command('stack').description('the local infrastructure (Kafka, registry, Redis, Jaeger)');
  stack
    .command('up')
    .description('starts every component not given in the environment; reuses running ones')
    .action(
      run(async ({ out, env }) => {
        // Progress lines go to stderr so that --json output stays one document.
        await stackUp({ env, log: out.json ? (line) => out.note(line) : (line) => out.line(line) });
        if (out.json) out.data(await stackStatus({ env }));
      }),
    );
  stack
    .command('down')
    .description('stops every component this clone started (or only those named)')
    .argument('[component...]', COMPONENTS.map((component) => component.name).join(', '))
    .action(
      run(async ({ out, env }, names: string[]) => {
        const known = COMPONENTS.map((component) => component.name);
        const unknown = names.filter((name) => !(known as string[]).includes(name));
        if (unknown.length > 0)
          throw new UsageError(`unknown component(s): ${unknown.join(', ')}; known: ${known.join(', ')}`);
        const only = names.length > 0 ? (names as ComponentName[]) : undefined;
        await stackDown({ env, only, log: out.json ? (line) => out.note(line) : (line) => out.line(line) });
        if (out.json) out.data(await stackStatus({ env }));
      }),
    );
  stack
    .command('status')
    .description('each component: running, not ready, stopped or external (exit 1 unless all answer)')
    .action(
      run(async ({ out, env }) => {
        const statuses = await stackStatus({ env });
        if (out.json) out.data(statuses);
        else {
          const rows = statuses.map((status) => [
            status.name,
            status.state,
            status.pid === undefined ? '-' : String(status.pid),
            status.endpoint,
          ]);
          for (const line of formatTable(['COMPONENT', 'STATE', 'PID', 'ENDPOINT'], rows)) out.line(line);
        }
        const down = statuses.filter((status) => status.state !== 'running' && status.state !== 'external');
        if (down.length > 0) throw new CtlError(`not running: ${down.map((status) => status.name).join(', ')}`);
      }),
    );
}
