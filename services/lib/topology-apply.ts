/**
 * Makes the live cluster and registry match the declarations: topics created or altered,
 * subjects registered with their compatibility levels.
 */
import { schemaText } from '../../schemas/contract.ts';
import { contractBindings, type SubjectBinding } from '../../topology/contracts.ts';
import type { TopologyNames } from '../../topology/names.ts';
import { planTopology, type TopologyPlan } from '../../topology/plan.ts';
import { declaredTopics, type TopicDescription } from '../../topology/topics.ts';
import { resolveEndpoints } from './endpoints.ts';
import { createKafkaClient, type KafkaAdmin } from './kafka.ts';
import { kafkaConnection } from './kafka-connection.ts';
import {
  createSchemaRegistry,
  findSchemaId,
  getSubjectCompatibility,
  registerAvroSchema,
  type SchemaRegistry,
  setSubjectCompatibility,
} from './schema-registry.ts';

/** Applies the plan for `declared` and returns it; running it again returns a plan with no changes. */
export async function applyTopology(admin: KafkaAdmin, declared: readonly TopicDescription[]): Promise<TopologyPlan> {
  const live = await admin.describeTopics(declared.map((topic) => topic.name));
  const plan = planTopology(declared, live);
  const toCreate = plan.changes.flatMap((change) => (change.kind === 'create' ? [change.topic] : []));
  if (toCreate.length > 0) await admin.createTopics(toCreate);
  for (const change of plan.changes) {
    if (change.kind === 'increase-partitions') await admin.increasePartitions(change.topic, change.declared);
    if (change.kind === 'replace-configs') await admin.replaceTopicConfigs(change.topic, change.declared);
  }
  return plan;
}

export interface TopicState {
  declared: TopicDescription;
  /** The live topic, or undefined when it does not exist yet. */
  live: TopicDescription | undefined;
}

/** Each declared topic next to its live state. */
export async function describeTopology(
  admin: KafkaAdmin,
  declared: readonly TopicDescription[],
): Promise<TopicState[]> {
  const live = await admin.describeTopics(declared.map((topic) => topic.name));
  return declared.map((topic) => ({ declared: topic, live: live.get(topic.name) }));
}

export interface SchemaReport {
  /** What apply changed, one line per change. */
  changes: string[];
  /** Subjects whose schema and level already matched. */
  matching: string[];
}

/**
 * Sets each subject's compatibility level and registers its schema where it is not there yet.
 * A schema the registry refuses as incompatible fails the apply with the registry's reason.
 */
export async function applySchemas(
  registry: SchemaRegistry,
  registryUrl: string,
  bindings: readonly SubjectBinding<unknown>[],
): Promise<SchemaReport> {
  const report: SchemaReport = { changes: [], matching: [] };
  for (const { subject, contract, compatibility } of bindings) {
    const schema = schemaText(contract);
    let changed = false;
    const level = await getSubjectCompatibility(registryUrl, subject);
    if (level !== undefined && level !== compatibility) {
      await setSubjectCompatibility(registryUrl, subject, compatibility);
      report.changes.push(`${subject}: compatibility ${level} -> ${compatibility}`);
      changed = true;
    }
    if ((await findSchemaId(registry, subject, schema)) === undefined) {
      const id = await registerAvroSchema(registry, subject, schema, compatibility);
      report.changes.push(`${subject}: registered ${contract.name} (schema id ${id}, ${compatibility})`);
      changed = true;
    }
    if (!changed) report.matching.push(subject);
  }
  return report;
}

export interface DeclaredTopologyOptions {
  /** The namespace whose topics and subjects are applied. */
  names: TopologyNames;
  admin: KafkaAdmin;
  registry: SchemaRegistry;
  registryUrl: string;
  replicationFactor: number;
}

/** Applies every declared topic and subject (what `npm run topology -- apply` does). */
export async function applyDeclaredTopology(
  options: DeclaredTopologyOptions,
): Promise<{ topics: TopologyPlan; schemas: SchemaReport }> {
  const { names } = options;
  const topics = await applyTopology(
    options.admin,
    declaredTopics(names, { replicationFactor: options.replicationFactor }),
  );
  const schemas = await applySchemas(options.registry, options.registryUrl, contractBindings(names).all());
  return { topics, schemas };
}

/** Applies every declared topic and subject to the infrastructure the environment names, with clients of its own. */
export async function applyDeclaredTopologyAt(
  env: Readonly<Record<string, string | undefined>>,
  options: { names: TopologyNames; clientId: string; replicationFactor: number },
): Promise<{ topics: TopologyPlan; schemas: SchemaReport }> {
  const endpoints = resolveEndpoints(env);
  const admin = await createKafkaClient({ ...kafkaConnection(env), clientId: options.clientId }).admin();
  try {
    return await applyDeclaredTopology({
      names: options.names,
      admin,
      registry: createSchemaRegistry(endpoints.schemaRegistryUrl),
      registryUrl: endpoints.schemaRegistryUrl,
      replicationFactor: options.replicationFactor,
    });
  } finally {
    await admin.close();
  }
}
