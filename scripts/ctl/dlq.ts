/**
 * `ctl dlq list|replay`: the dead-letter topic. `list` reads the topic itself (the source of
 * truth, with or without a gateway) through a throwaway consumer group that is deleted after;
 * ids are `<partition>-<offset>`, as the gateway names them. `replay` asks the gateway, which
 * owns replays (once per dead letter).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { TopologyNames } from '../../topology/names.ts';
import { deadLetterRecordContract } from '../../schemas/dead-letter-record.ts';
import type { Codec } from '../../services/lib/codec.ts';
import type { IncomingMessage } from '../../services/lib/kafka.ts';
import type { CtlAction } from './command-context.ts';
import type { CtlClients } from './clients.ts';
import { gatewayRequest, resolveGatewayTarget, withGatewayOptions } from './gateway-client.ts';
import { CtlError, formatTable, parseWholeNumber, UsageError } from './output.ts';

/** A dead letter as `dlq list` shows it. */
export interface DeadLetterSummary {
  id: string;
  jobId: string | null;
  sourceTopic: string | null;
  errorCode: string | null;
  reason: string;
  attempts: number | null;
  failedAt: number | null;
}

async function summarize(codec: Codec, message: IncomingMessage): Promise<DeadLetterSummary> {
  const id = `${message.partition}-${message.offset}`;
  try {
    const { record } = await codec.decode(deadLetterRecordContract, message.value);
    return {
      id,
      jobId: record.jobId,
      sourceTopic: record.sourceTopic,
      errorCode: record.errorCode,
      reason: record.reason,
      attempts: record.attempts,
      failedAt: record.failedAt,
    };
  } catch (error) {
    // Listed, not hidden: the operator should see that the topic holds a record nobody can read.
    return {
      id,
      jobId: null,
      sourceTopic: null,
      errorCode: null,
      reason: `undecodable: ${(error as Error).message}`,
      attempts: null,
      failedAt: message.timestampMs,
    };
  }
}

/** Newest first, at most `limit` (pure). */
export function newestDeadLetters(entries: readonly DeadLetterSummary[], limit: number): DeadLetterSummary[] {
  return [...entries].sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0) || b.id.localeCompare(a.id)).slice(0, limit);
}

async function readDeadLetters(
  clients: CtlClients,
  names: TopologyNames,
  timeoutMs: number,
): Promise<DeadLetterSummary[]> {
  const topic = names.deadLetterTopic;
  const admin = await clients.admin();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic))
      .filter((partition) => Number(partition.high) > Number(partition.low))
      .map((partition) => [partition.partition, Number(partition.high)]),
  );
  if (ends.size === 0) return [];
  const groupId = names.readerGroup('dlq-list', randomUUID());
  const consumer = await clients.kafka.consumer(groupId);
  const codec = clients.codec();
  const pending: Promise<DeadLetterSummary>[] = [];
  const done = new Set<number>();
  try {
    await consumer.consume({
      topics: [topic],
      fromBeginning: true,
      handle: (message) => {
        const end = ends.get(message.partition);
        if (end === undefined || Number(message.offset) >= end) return;
        pending.push(summarize(codec, message));
        if (Number(message.offset) >= end - 1) done.add(message.partition);
      },
    });
    const deadline = performance.now() + timeoutMs;
    while (done.size < ends.size) {
      if (performance.now() > deadline) throw new CtlError(`reading ${topic} took longer than ${timeoutMs} ms`);
      await sleep(50);
    }
  } finally {
    await consumer.close();
    await admin.deleteGroups([groupId]).catch(() => {
      // The group holds no state worth keeping; the broker drops an empty group after its retention.
    });
  }
  return Promise.all(pending);
}

export function registerDlq(program: Command, run: CtlAction): void {
  const dlq = program.command('dlq').description('dead letters: jobs whose attempts ran out, and poison messages');

  dlq
    .command('list')
    .description('the newest dead letters, read from the dead-letter topic')
    .option('--limit <n>', 'at most this many', '20')
    .option('--timeout <ms>', 'how long reading the topic may take', '30000')
    .action(
      run(async ({ out, clients, options, names }) => {
        const limit = parseWholeNumber('--limit', String(options['limit']), 1);
        const timeoutMs = parseWholeNumber('--timeout', String(options['timeout']), 1);
        const all = await readDeadLetters(clients, names, timeoutMs);
        const shown = newestDeadLetters(all, limit);
        if (out.json) {
          out.data({ deadLetters: shown, total: all.length });
          return;
        }
        if (shown.length === 0) {
          out.line('no dead letters');
          return;
        }
        const rows = shown.map((entry) => [
          entry.id,
          entry.failedAt === null ? '-' : new Date(entry.failedAt).toISOString(),
          entry.jobId ?? '-',
          entry.errorCode ?? '-',
          entry.reason.length > 80 ? `${entry.reason.slice(0, 77)}...` : entry.reason,
        ]);
        for (const line of formatTable(['ID', 'FAILED AT', 'JOB', 'CODE', 'REASON'], rows)) out.line(line);
        out.line(`${shown.length} of ${all.length} dead letter(s)`);
      }),
    );

  withGatewayOptions(
    dlq
      .command('replay')
      .description('submits a dead letter again as a new job (through the gateway)')
      .argument('<id>', 'the dead letter, `<partition>-<offset>` as `dlq list` shows it'),
  ).action(
    run(async ({ out, options, env }, id: string) => {
      if (!/^\d{1,5}-\d{1,19}$/.test(id)) throw new UsageError(`not a dead-letter id (<partition>-<offset>): "${id}"`);
      const reply = await gatewayRequest<{ jobId?: string }>(
        resolveGatewayTarget(options, env),
        'POST',
        `/v1/dead-letters/${id}/replay`,
        {},
      );
      if (out.json) out.data(reply);
      else out.line(`replayed ${id} as job ${reply.jobId ?? '(unknown)'}`);
    }),
  );
}
