/**
 * The topics and groups the gateway uses: its namespace's (topology/names.ts), or a test's own.
 *
 * The job client (services/lib/job-client.ts) always names the declared topics; `routedProducer`
 * sends its messages to the gateway's topics instead, so a gateway under test talks to a stage
 * sandbox's topics without a second submission path.
 */
import { type ContractBindings, contractBindings } from '../../topology/contracts.ts';
import type { Codec, SubjectBinding } from '../lib/codec.ts';
import type { TopologyNames } from '../../topology/names.ts';
import { type Lane, LANES, RETRY_TIERS, type Stage, STAGES } from '../../topology/stages.ts';
import type { Stage as StageSymbol } from '../../schemas/stage.ts';
import type { KafkaProducer, OutgoingMessage } from '../lib/kafka.ts';
import { RETURN_TOPIC_HEADER } from '../lib/runtime/headers.ts';

export interface StageTopicNames {
  lanes: Record<Lane, string>;
  /** Retry delay topics, shortest delay first. */
  retry: string[];
  /** The consumer group of the stage's workers. */
  groupId: string;
}

export interface GatewayTopics {
  stages: Record<Stage, StageTopicNames>;
  status: string;
  /** Batch declarations (sizes and follow-up jobs), read by the status projector. */
  batches: string;
  control: string;
  deadLetter: string;
  /** The gateway's own group on the dead-letter topic (its dead-letter index). */
  deadLetterGroup: string;
  /** The subjects records are framed with, whatever topic they go to. */
  contracts: ContractBindings;
}

/** The topics and groups of the namespace of `names`. */
export function gatewayTopics(names: TopologyNames): GatewayTopics {
  const stages = Object.fromEntries(
    STAGES.map((stage): [Stage, StageTopicNames] => [
      stage,
      {
        lanes: Object.fromEntries(LANES.map((lane) => [lane, names.jobTopic(stage, lane)])) as Record<Lane, string>,
        retry: RETRY_TIERS.map((tier) => names.retryTopic(stage, tier.name)),
        groupId: names.stageGroup(stage),
      },
    ]),
  ) as Record<Stage, StageTopicNames>;
  return {
    stages,
    status: names.statusTopic,
    batches: names.batchesTopic,
    control: names.controlTopic,
    deadLetter: names.deadLetterTopic,
    deadLetterGroup: names.deadLetterIndexGroup,
    contracts: contractBindings(names),
  };
}

/** The stage whose lane or retry topic `topic` is, if any. */
export function stageOfTopic(topics: GatewayTopics, topic: string): Stage | undefined {
  return STAGES.find((stage) => {
    const names = topics.stages[stage];
    return Object.values(names.lanes).includes(topic) || names.retry.includes(topic);
  });
}

/**
 * A producer that sends what is addressed to a topic of the namespace to the matching topic of
 * `topics`: the topic it is sent to, and the lane a delayed job's header names (job-client.ts).
 */
export function routedProducer(producer: KafkaProducer, names: TopologyNames, topics: GatewayTopics): KafkaProducer {
  const declared = gatewayTopics(names);
  const routes = new Map<string, string>([
    [declared.status, topics.status],
    [declared.batches, topics.batches],
  ]);
  for (const stage of STAGES) {
    for (const lane of LANES) routes.set(declared.stages[stage].lanes[lane], topics.stages[stage].lanes[lane]);
    declared.stages[stage].retry.forEach((tier, i) => routes.set(tier, topics.stages[stage].retry[i] ?? tier));
  }
  const route = (topic: string) => routes.get(topic) ?? topic;
  const routeReturnTopic = (message: OutgoingMessage): OutgoingMessage => {
    const lane = message.headers?.[RETURN_TOPIC_HEADER];
    if (lane === undefined) return message;
    return { ...message, headers: { ...message.headers, [RETURN_TOPIC_HEADER]: route(lane.toString()) } };
  };
  return {
    send: (topic, messages) => producer.send(route(topic), messages.map(routeReturnTopic)),
    // The producer is shared with the rest of the gateway, which closes it.
    close: async () => {},
  };
}

/** A stage as status events and the view name it (`NOOP`), from its topology name (`noop`). */
export function stageSymbol(stage: Stage | 'maintenance'): StageSymbol {
  return stage.toUpperCase() as StageSymbol;
}

/** Every subject the gateway writes to: each stage's lanes, PENDING events, batch declarations, commands, scheduled runs. */
export function gatewayWrites(topics: GatewayTopics): SubjectBinding<unknown>[] {
  const { contracts } = topics;
  const lanes = STAGES.flatMap((stage) => LANES.map((lane) => contracts.request(stage, lane)));
  return [...lanes, contracts.status, contracts.batchDeclaration, contracts.control, contracts.maintenance];
}

/**
 * Learns the schema id of every subject the gateway writes (registering those not registered
 * yet), so that a submission needs no registry call while it is away; resolves with how many.
 */
export async function learnGatewayWrites(codec: Codec, topics: GatewayTopics): Promise<number> {
  const writes = gatewayWrites(topics);
  await Promise.all(writes.map((binding) => codec.prepare(binding)));
  return writes.length;
}
