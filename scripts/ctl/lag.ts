/**
 * `ctl lag [stage]`: how many jobs wait in each lane of each stage, from Kafka: per partition,
 * the end offset minus the stage group's committed offset (a partition the group never
 * committed counts from its first offset still in the log; services/lib/lag.ts). `purge` counts
 * the same way.
 */
import type { Command } from 'commander';
import type { TopologyNames } from '../../topology/names.ts';
import { type Lane, LANES, type Stage, STAGES } from '../../topology/stages.ts';
import type { KafkaAdmin } from '../../services/lib/kafka.ts';
import { topicLag } from '../../services/lib/lag.ts';
import { formatTable } from './output.ts';
import { type CtlAction, parseStage } from './command-context.ts';

export interface StageLag {
  stage: Stage;
  groupId: string;
  /** The group's state as the broker says it (`Stable`, `Empty`, …). */
  groupState: string;
  members: number;
  lanes: Record<Lane, number>;
  total: number;
}

export async function readStageLag(admin: KafkaAdmin, names: TopologyNames, stage: Stage): Promise<StageLag> {
  const groupId = names.stageGroup(stage);
  const topics = LANES.map((lane) => names.jobTopic(stage, lane));
  const [group, committed, ends] = await Promise.all([
    admin.describeGroup(groupId),
    admin.fetchGroupOffsets(groupId, topics),
    Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic))),
  ]);
  const lanes = Object.fromEntries(
    LANES.map((lane, i) => [lane, topicLag(topics[i] ?? '', ends[i] ?? [], committed)]),
  ) as Record<Lane, number>;
  return {
    stage,
    groupId,
    groupState: group.state,
    members: group.members.length,
    lanes,
    total: LANES.reduce((sum, lane) => sum + lanes[lane], 0),
  };
}

/** Human lines of `ctl lag` (pure). */
export function formatLag(lags: readonly StageLag[]): string[] {
  return formatTable(
    ['STAGE', 'HIGH', 'NORMAL', 'LOW', 'TOTAL', 'WORKERS', 'GROUP'],
    lags.map((lag) => [
      lag.stage,
      String(lag.lanes.high),
      String(lag.lanes.normal),
      String(lag.lanes.low),
      String(lag.total),
      String(lag.members),
      lag.groupState,
    ]),
  );
}

export function registerLag(program: Command, run: CtlAction): void {
  program
    .command('lag')
    .description("jobs waiting in each lane of each stage (end offsets minus the stage group's committed offsets)")
    .argument('[stage]', `one stage (${STAGES.join(', ')}); default every stage`)
    .action(
      run(async ({ out, clients, names }, stage: string | undefined) => {
        const stages = stage === undefined ? [...STAGES] : [parseStage(stage)];
        const admin = await clients.admin();
        const lags = await Promise.all(stages.map((name) => readStageLag(admin, names, name)));
        if (out.json) out.data(lags);
        else for (const line of formatLag(lags)) out.line(line);
      }),
    );
}
