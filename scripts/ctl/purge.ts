/**
 * `ctl purge <stage> [--lane …] [--yes]`: skips every job queued now in a stage's lanes.
 *
 * Kafka refuses to move the offsets of a group with members, so purge records a mark per
 * lane partition in Redis (services/lib/purge-marks.ts): the end offset now. Workers skip
 * the messages below it that have not started, and report them REVOKED (reason "purged").
 * The count is what the stage group has not consumed yet, less what an earlier purge skipped.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { type Lane, LANES, STAGES } from '../../topology/stages.ts';
import { createPurgeMarks, type PartitionEnd } from '../../services/lib/purge-marks.ts';
import { type CtlAction, parseLane, parseStage } from './command-context.ts';
import { partitionLag } from '../../services/lib/lag.ts';
import { CtlError, UsageError } from './output.ts';

/** Whether an answer to a y/N question is a yes (pure). */
export function isYes(answer: string): boolean {
  return /^(y|yes)$/i.test(answer.trim());
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return isYes(await prompt.question(`${question} [y/N] `));
  } finally {
    prompt.close();
  }
}

interface LanePlan {
  lane: Lane;
  topic: string;
  queued: number;
  marks: PartitionEnd[];
}

export function registerPurge(program: Command, run: CtlAction): void {
  program
    .command('purge')
    .description('skips every job queued now in a stage (all lanes, or one); asks for confirmation')
    .argument('<stage>', `the stage (${STAGES.join(', ')})`)
    .option('--lane <lane>', `only this lane (${LANES.join(', ')})`)
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async ({ out, clients, options, names, keys }, stageName: string) => {
        const stage = parseStage(stageName);
        const lanes = typeof options['lane'] === 'string' ? [parseLane(options['lane'])] : [...LANES];
        const admin = await clients.admin();
        // No cache: the marks of an earlier purge must be read as they are now.
        const marks = createPurgeMarks({ redis: await clients.redis(), keys, cacheMs: 0 });
        const topics = lanes.map((lane) => names.jobTopic(stage, lane));
        const committed = await admin.fetchGroupOffsets(names.stageGroup(stage), topics);
        const plans: LanePlan[] = [];
        for (const [i, lane] of lanes.entries()) {
          const topic = topics[i] ?? '';
          let queued = 0;
          const laneMarks: PartitionEnd[] = [];
          for (const ends of await admin.fetchTopicOffsets(topic)) {
            const offset = committed.find((entry) => entry.topic === topic && entry.partition === ends.partition);
            const earlier = (await marks.purgeMark(topic, ends.partition)) ?? 0;
            const { lag, end } = partitionLag(ends, offset?.offset, earlier);
            queued += lag;
            if (lag > 0) laneMarks.push({ partition: ends.partition, offset: end });
          }
          plans.push({ lane, topic, queued, marks: laneMarks });
        }
        const total = plans.reduce((sum, plan) => sum + plan.queued, 0);
        const where = `stage ${stage}, ${lanes.length === 1 ? `lane ${lanes[0]}` : 'every lane'}`;
        if (total > 0 && options['yes'] !== true) {
          if (!process.stdin.isTTY)
            throw new UsageError('purge asks for confirmation on a terminal; pass --yes to skip it');
          if (!(await confirm(`Purge ${total} queued job(s) of ${where}?`))) throw new CtlError('purge cancelled');
        }
        for (const plan of plans) await marks.markPurge(plan.topic, plan.marks);
        if (out.json) {
          out.data({
            stage,
            purged: total,
            lanes: plans.map(({ lane, topic, queued, marks: laneMarks }) => ({
              lane,
              topic,
              purged: queued,
              marks: laneMarks,
            })),
          });
        } else if (total === 0) {
          out.line(`nothing queued in ${where}`);
        } else {
          out.line(`purged ${total} queued job(s) of ${where}`);
          for (const plan of plans) out.line(`  ${plan.lane}: ${plan.queued}`);
          out.line('workers skip them and report them REVOKED (reason "purged") as they reach them');
        }
      }),
    );
}
