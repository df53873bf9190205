/**
 * `ctl jobs submit|get|list|revoke|watch`: jobs through the gateway's HTTP API (it owns
 * submission, the status view and revocation). `watch` follows the job's Server-Sent Events
 * with a progress bar (one JSON line per event with `--json`) until the job ends, and exits
 * 0 on SUCCESS, 1 on FAILURE or REVOKED.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { JOB_STATE_SYMBOLS } from '../../schemas/job-state.ts';
import { PRIORITY_SYMBOLS } from '../../schemas/priority.ts';
import type { JobState } from '../../schemas/job-state.ts';
import type { JobView } from '../../services/lib/status-view.ts';
import { MAX_DELAY_MS, STAGES, WORKER_STAGES } from '../../topology/stages.ts';
import { type CtlAction, type CtlContext, parseStage, parseWorkerStage } from './command-context.ts';
import {
  type GatewayTarget,
  gatewayEvents,
  gatewayRequest,
  resolveGatewayTarget,
  withGatewayOptions,
} from './gateway-client.ts';
import { parseDurationMs } from '../../services/lib/units.ts';
import { CtlError, formatDuration, formatProgress, formatTable, parseWholeNumber, UsageError } from './output.ts';

/** A job as the gateway answers it. */
export type JobReply = JobView & { traceUrl?: string | null };

/**
 * The states after which a job never changes (DESIGN.md section 3). Written here rather than
 * imported from the status view's module: the CLI speaks HTTP and loads none of its code.
 */
const TERMINAL_STATES: ReadonlySet<JobState> = new Set<JobState>(['SUCCESS', 'FAILURE', 'REVOKED']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A job or batch id from the command line, in lower case as the gateway stores ids. */
function idArgument(value: string, what: 'job' | 'batch' = 'job'): string {
  if (!UUID.test(value)) throw new UsageError(`not a ${what} id (a UUID): "${value}"`);
  return value.toLowerCase();
}

/**
 * The body of `POST /v1/jobs` from the command line (pure apart from reading a payload file).
 * A relative `--payload-file` is read from `cwd`, the directory the user ran the command from.
 */
export function submissionBody(
  stage: string,
  options: Record<string, unknown>,
  cwd: string = process.cwd(),
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Record<string, unknown> {
  const payloadFile = typeof options['payloadFile'] === 'string' ? resolve(cwd, options['payloadFile']) : undefined;
  const payloadText =
    payloadFile !== undefined
      ? readPayloadFile(payloadFile, readFile)
      : typeof options['payload'] === 'string'
        ? options['payload']
        : '{}';
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    throw new UsageError(
      payloadFile === undefined ? '--payload: not valid JSON' : `--payload-file: "${payloadFile}" is not valid JSON`,
    );
  }
  const body: Record<string, unknown> = { stage: parseStage(stage), payload };
  if (typeof options['priority'] === 'string') {
    const priority = options['priority'].toUpperCase();
    if (!(PRIORITY_SYMBOLS as readonly string[]).includes(priority)) {
      throw new UsageError(`--priority: one of ${PRIORITY_SYMBOLS.join(', ')}, got "${options['priority']}"`);
    }
    body['priority'] = priority;
  }
  if (typeof options['batchId'] === 'string') body['batchId'] = options['batchId'];
  if (typeof options['countdown'] === 'string' && typeof options['notBefore'] === 'string') {
    throw new UsageError('--countdown or --not-before, not both');
  }
  if (typeof options['countdown'] === 'string') {
    const countdownMs = parseDurationMs(options['countdown']);
    if (countdownMs === undefined || countdownMs > MAX_DELAY_MS) {
      throw new UsageError(
        `--countdown: a duration up to 30d, such as 30s, 5m or 1500 (ms), got "${options['countdown']}"`,
      );
    }
    body['countdownMs'] = countdownMs;
  }
  if (typeof options['notBefore'] === 'string') body['notBefore'] = parseTime('--not-before', options['notBefore']);
  if (typeof options['expires'] === 'string' && typeof options['expiresAt'] === 'string') {
    throw new UsageError('--expires or --expires-at, not both');
  }
  if (typeof options['expires'] === 'string') {
    const expiresInMs = parseDurationMs(options['expires']);
    if (expiresInMs === undefined || expiresInMs < 1) {
      throw new UsageError(`--expires: a duration such as 30s, 10m or 1500 (ms), got "${options['expires']}"`);
    }
    body['expiresInMs'] = expiresInMs;
  }
  if (typeof options['expiresAt'] === 'string') body['expiresAt'] = parseTime('--expires-at', options['expiresAt']);
  for (const [option, field, flag] of TIME_LIMIT_OPTIONS) {
    if (typeof options[option] !== 'string') continue;
    const limitMs = parseDurationMs(options[option]);
    if (limitMs === undefined || limitMs < 1) {
      throw new UsageError(`${flag}: a duration such as 30s, 10m or 1500 (ms), got "${options[option]}"`);
    }
    body[field] = limitMs;
  }
  if (typeof options['maxAttempts'] === 'string') {
    const maxAttempts = Number(options['maxAttempts']);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new UsageError(`--max-attempts: a whole number of at least 1, got "${options['maxAttempts']}"`);
    }
    // The rest of the policy stays the stage's: the API fills what a policy leaves out.
    body['retryPolicy'] = { maxAttempts };
  }
  return body;
}

/** The time limits on the command line, by Celery's names: the option, the body's field, the flag. */
const TIME_LIMIT_OPTIONS = [
  ['softTimeLimit', 'softTimeLimitMs', '--soft-time-limit'],
  ['timeLimit', 'hardTimeLimitMs', '--time-limit'],
] as const;

/** The text of a payload file; one that cannot be read is the user's mistake (exit 2), named. */
function readPayloadFile(path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`--payload-file: cannot read "${path}" (${reason})`);
  }
}

/**
 * A time on the command line: ISO 8601 with its zone (`2026-12-03T09:00:00Z`, `…+01:00`) or
 * milliseconds since the epoch. A time without a zone is refused rather than read as local time.
 */
function parseTime(flag: string, text: string): number {
  const zoned = /^\d+$/.test(text) || /T.*(Z|[+-]\d\d:?\d\d)$/i.test(text);
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!zoned || !Number.isSafeInteger(ms)) {
    throw new UsageError(
      `${flag}: an ISO 8601 time with its zone, such as 2026-12-03T09:00:00Z, or ms since the epoch, got "${text}"`,
    );
  }
  return ms;
}

/** What `POST /v1/jobs` answers, as far as the CLI reads it. */
interface SubmittedReply {
  jobId: string;
  created: boolean;
  notBefore: number | null;
  /** Absent from a gateway of the version before expiries. */
  expiresAt?: number | null;
}

/** The human line of a submission (pure): its id, a delayed job's due time, an expiring one's expiry. */
export function submittedLine(reply: SubmittedReply): string {
  const times = [
    ...(reply.notBefore == null ? [] : [`due at ${new Date(reply.notBefore).toISOString()}`]),
    ...(reply.expiresAt == null ? [] : [`expires at ${new Date(reply.expiresAt).toISOString()}`]),
  ];
  const suffix = times.length === 0 ? '' : ` (${times.join(', ')})`;
  return `${reply.created === false ? 'already submitted' : 'submitted'}: ${reply.jobId}${suffix}`;
}

/** Human lines of one job (pure). */
export function formatJob(job: JobReply, now: number): string[] {
  const lines = [
    `job       ${job.jobId}`,
    `stage     ${job.stage} (${job.jobType})`,
    `state     ${job.state}${job.attempt > 1 ? ` (attempt ${job.attempt})` : ''}`,
    `progress  ${formatProgress(job.progress)}`,
  ];
  // Absent from a gateway of the version before previews; null when no emitter said.
  if (job.payloadPreview != null) lines.push(`payload   ${job.payloadPreview}`);
  if (job.workerId !== null) lines.push(`worker    ${job.workerId}`);
  if (job.submittedAt !== null) lines.push(`submitted ${new Date(job.submittedAt).toISOString()}`);
  if (job.startedAt !== null) lines.push(`started   ${new Date(job.startedAt).toISOString()}`);
  if (job.finishedAt !== null) {
    const took = job.startedAt === null ? '' : ` (ran ${formatDuration(job.finishedAt - job.startedAt)})`;
    lines.push(`finished  ${new Date(job.finishedAt).toISOString()}${took}`);
  } else if (job.startedAt !== null && job.state === 'RETRY') {
    // Between attempts: the failed attempt's run, not the backoff since.
    lines.push(
      `failed    ${new Date(job.occurredAt).toISOString()} (ran ${formatDuration(job.occurredAt - job.startedAt)})`,
    );
  } else if (job.startedAt !== null) {
    lines.push(`running   ${formatDuration(now - job.startedAt)}`);
  }
  if (job.nextAttemptAt !== null) {
    // A PENDING job's next attempt is its first: a delayed job's due time.
    const label = job.state === 'PENDING' ? 'due at   ' : 'retry at ';
    lines.push(`${label} ${new Date(job.nextAttemptAt).toISOString()}`);
  }
  // Absent from a gateway of the version before expiries.
  if (job.expiresAt != null) lines.push(`expires   ${new Date(job.expiresAt).toISOString()}`);
  if (job.error !== null) lines.push(`error     ${job.error.code}: ${job.error.message}`);
  if (job.result !== null) lines.push(`result    ${JSON.stringify(job.result)}`);
  if (job.batchId !== null) lines.push(`batch     ${job.batchId}`);
  if (job.traceUrl) lines.push(`trace     ${job.traceUrl}`);
  return lines;
}

/**
 * The query string of `GET /v1/jobs` from the command line (pure). The table shows no results,
 * so it asks for none (`summary`: an indexing result can be 256 KiB); `--json` gets them all.
 */
export function listQuery(options: Record<string, unknown>, summary = false): string {
  const query = new URLSearchParams();
  if (typeof options['state'] === 'string') {
    const state = options['state'].toUpperCase();
    if (!(JOB_STATE_SYMBOLS as readonly string[]).includes(state)) {
      throw new UsageError(`--state: one of ${JOB_STATE_SYMBOLS.join(', ')}, got "${options['state']}"`);
    }
    query.set('state', state);
  }
  // Maintenance jobs (the scheduler's) are listed too, though `jobs submit` cannot start one.
  if (typeof options['stage'] === 'string') query.set('stage', parseWorkerStage(options['stage']));
  if (typeof options['batchId'] === 'string') query.set('batchId', options['batchId']);
  if (typeof options['search'] === 'string') query.set('q', options['search']);
  if (typeof options['worker'] === 'string') query.set('workerId', options['worker']);
  if (typeof options['limit'] === 'string')
    query.set('limit', String(parseWholeNumber('--limit', options['limit'], 1)));
  if (typeof options['cursor'] === 'string') query.set('cursor', options['cursor']);
  if (summary) query.set('fields', 'summary');
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

export interface BatchRevocationReply {
  batchId: string;
  revoked: number;
  alreadyEnded: number;
  notYetInView: number;
}

/** What `jobs revoke --batch` prints (pure). */
export function batchRevokedLine({ batchId, revoked, alreadyEnded, notYetInView }: BatchRevocationReply): string {
  const unseen = notYetInView > 0 ? `; ${notYetInView} not in the view yet: run it again` : '';
  return `batch ${batchId}: ${revoked} job(s) revoked, ${alreadyEnded} already ended${unseen}`;
}

const FAILED_DOCUMENTS_SHOWN = 5;

/**
 * The documents an indexing or analysis job could not do, from its result's `failed` (pure): a
 * job that succeeded may have done none, and `watch` would otherwise end on a bare SUCCESS.
 */
export function failedDocumentLines(result: unknown): string[] {
  const { failed, failedOmitted } = (result ?? {}) as { failed?: unknown; failedOmitted?: unknown };
  if (!Array.isArray(failed) || failed.length === 0) return [];
  // An indexing result counts the failures its size budget left out of the list (result-budget.ts).
  const total = failed.length + (typeof failedOmitted === 'number' ? failedOmitted : 0);
  const lines = [`${total} document(s) failed:`];
  for (const entry of failed.slice(0, FAILED_DOCUMENTS_SHOWN) as { source: string; code: string; reason: string }[]) {
    lines.push(`  ${entry.source}: ${entry.code}: ${entry.reason}`);
  }
  const more = total - Math.min(failed.length, FAILED_DOCUMENTS_SHOWN);
  if (more > 0) {
    const listed = failed.length - Math.min(failed.length, FAILED_DOCUMENTS_SHOWN);
    lines.push(`  … and ${more} more (${listed > 0 ? `${listed} listed by jobs get` : 'counted, not listed'})`);
  }
  return lines;
}

async function watch({ out }: CtlContext, target: GatewayTarget, id: string): Promise<void> {
  const interactive = !out.json && process.stderr.isTTY === true;
  const bar = interactive
    ? new cliProgress.SingleBar(
        { format: '{bar} {percentage}% | {value}/{total} | {state} {message}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let last: JobReply | undefined;
  try {
    for await (const event of gatewayEvents(target, `/v1/jobs/${id}/events`)) {
      const data = JSON.parse(event.data) as unknown;
      if (out.json) out.data({ event: event.event, id: event.id, data });
      if (event.event === 'error') {
        const { code, message } = data as { code?: string; message?: string };
        throw new CtlError(`${code ?? 'error'}: ${message ?? 'the event stream failed'}`);
      }
      if (event.event !== 'status') continue;
      const job = data as JobReply;
      last = job;
      const fields = { state: job.state, message: job.progress?.message ?? '' };
      if (bar !== undefined) {
        const total = Math.max(1, job.progress?.total ?? 1);
        const current =
          TERMINAL_STATES.has(job.state) && job.state === 'SUCCESS' ? total : (job.progress?.current ?? 0);
        if (bar.getTotal() !== total) bar.setTotal(total);
        if (!bar.isActive) bar.start(total, current, fields);
        else bar.update(current, fields);
      } else if (!out.json) {
        out.line(`${job.state.padEnd(8)} ${formatProgress(job.progress)}`);
      }
    }
  } finally {
    bar?.stop();
  }
  if (last === undefined || !TERMINAL_STATES.has(last.state)) {
    throw new CtlError(`the event stream of job ${id} ended before the job did`);
  }
  if (!out.json) {
    const error = last.error === null ? '' : `: ${last.error.code}: ${last.error.message}`;
    out.line(`job ${id} ended: ${last.state}${error}`);
    for (const line of failedDocumentLines(last.result)) out.line(line);
  }
  if (last.state !== 'SUCCESS') throw new CtlError(`job ${id} ended with ${last.state}`);
}

export function registerJobs(program: Command, run: CtlAction): void {
  const jobs = program.command('jobs').description('submit, read, list, revoke and watch jobs (through the gateway)');

  withGatewayOptions(
    jobs
      .command('submit')
      .description('submits a job and prints its id')
      .argument('<stage>', `the stage (${STAGES.join(', ')})`)
      .option('--payload <json>', "the stage's payload as JSON (fields left out take their defaults)", '{}')
      .option('--payload-file <path>', 'read the payload from a JSON file')
      .option('--priority <priority>', `${PRIORITY_SYMBOLS.join(', ')} (default NORMAL)`)
      .option('--batch-id <uuid>', 'a batch to add the job to')
      .option('--countdown <duration>', "start no sooner than this long from now, e.g. 30s, 5m (Celery's countdown)")
      .option('--not-before <time>', "start no sooner than this ISO 8601 time or ms since the epoch (Celery's eta)")
      .option('--expires <duration>', "if not started within this long, e.g. 10m, never run it (Celery's expires)")
      .option('--expires-at <time>', 'if not started by this ISO 8601 time or ms since the epoch, never run it')
      .option(
        '--soft-time-limit <duration>',
        "abort the handler's signal after this long, e.g. 30s (Celery's soft_time_limit)",
      )
      .option('--time-limit <duration>', "fail the attempt after this long, e.g. 1m (Celery's time_limit)")
      .option('--max-attempts <n>', 'attempts in all, retries included (the stage retry policy otherwise)')
      .option('--idempotency-key <key>', 'a repeated submission with the same key returns the same job')
      .option('--watch', 'then watch the job until it ends'),
  ).action(
    run(async (context, stage: string) => {
      const { out, options, env, cwd } = context;
      const target = resolveGatewayTarget(options, env);
      const headers: Record<string, string> =
        typeof options['idempotencyKey'] === 'string' ? { 'idempotency-key': options['idempotencyKey'] } : {};
      const reply = await gatewayRequest<SubmittedReply>(
        target,
        'POST',
        '/v1/jobs',
        submissionBody(stage, options, cwd),
        headers,
      );
      if (out.json) out.data(reply);
      else out.line(submittedLine(reply));
      if (options['watch'] === true) await watch(context, target, reply.jobId);
    }),
  );

  withGatewayOptions(
    jobs.command('get').description("a job's state, progress, result or error").argument('<job-id>'),
  ).action(
    run(async ({ out, options, env }, id: string) => {
      const job = await gatewayRequest<JobReply>(
        resolveGatewayTarget(options, env),
        'GET',
        `/v1/jobs/${idArgument(id)}`,
      );
      if (out.json) out.data(job);
      else for (const line of formatJob(job, Date.now())) out.line(line);
    }),
  );

  withGatewayOptions(
    jobs
      .command('list')
      .description('jobs, most recently updated first')
      .option('--state <state>', JOB_STATE_SYMBOLS.join(', '))
      .option('--stage <stage>', WORKER_STAGES.join(', '))
      .option('--batch-id <uuid>', 'the jobs of one batch')
      .option(
        '--search <text>',
        'jobs whose payload or error contains it, whatever its case (looks at 10,000 jobs a page)',
      )
      .option('--worker <workerId>', 'jobs whose last event came from this worker (as --search)')
      .option('--limit <n>', 'at most this many (default 50)')
      .option('--cursor <cursor>', 'the next page (printed after a full page)'),
  ).action(
    run(async ({ out, options, env }) => {
      const page = await gatewayRequest<{ jobs: JobReply[]; nextCursor: string | null }>(
        resolveGatewayTarget(options, env),
        'GET',
        `/v1/jobs${listQuery(options, !out.json)}`,
      );
      if (out.json) {
        out.data(page);
        return;
      }
      if (page.jobs.length === 0) out.line('no jobs');
      const rows = page.jobs.map((job) => [
        job.jobId,
        job.stage,
        job.state,
        formatProgress(job.progress),
        new Date(job.updatedAt).toISOString(),
      ]);
      if (rows.length > 0)
        for (const line of formatTable(['JOB', 'STAGE', 'STATE', 'PROGRESS', 'UPDATED'], rows)) out.line(line);
      // A search may stop short of a full page: the cursor looks further.
      if (page.nextCursor !== null) out.line(`more: --cursor ${page.nextCursor}`);
    }),
  );

  withGatewayOptions(
    jobs
      .command('revoke')
      .description('revokes a job: a queued one never starts, a running one is aborted')
      .argument('<id>', 'a job id, or with --batch a batch id')
      .option('--batch', "the id is a batch's: revoke its jobs that have not ended, and its follow-up")
      .option('--reason <text>', 'why, for the audit trail'),
  ).action(
    run(async ({ out, options, env }, id: string) => {
      const body = typeof options['reason'] === 'string' ? { reason: options['reason'] } : {};
      const target = resolveGatewayTarget(options, env);
      if (options['batch'] === true) {
        const reply = await gatewayRequest<BatchRevocationReply>(
          target,
          'DELETE',
          `/v1/batches/${idArgument(id, 'batch')}`,
          body,
        );
        if (out.json) out.data(reply);
        else out.line(batchRevokedLine(reply));
        return;
      }
      const reply = await gatewayRequest<{ jobId: string; state: string }>(
        target,
        'DELETE',
        `/v1/jobs/${idArgument(id)}`,
        body,
      );
      if (out.json) out.data(reply);
      else out.line(`revoked: ${reply.jobId}`);
    }),
  );

  withGatewayOptions(
    jobs
      .command('watch')
      .description('draws a live progress bar until the job ends (exit 0 on SUCCESS, 1 otherwise)')
      .argument('<job-id>'),
  ).action(
    run(async (context, id: string) => {
      await watch(context, resolveGatewayTarget(context.options, context.env), idArgument(id));
    }),
  );
}
