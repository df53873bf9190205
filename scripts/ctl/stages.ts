/**
 * `ctl stages pause|resume <stage>`: a stage's workers stop taking new jobs (running ones
 * finish; queued ones wait in their lanes) or take them again, through the gateway's
 * /v1/stages routes (an admin token). What Celery's `control cancel_consumer` and
 * `add_consumer` do for a queue; the overview of the dashboard has the same buttons.
 * `ctl stages rate-limit <stage> <perSecond|off>`: Celery's `control rate_limit`.
 * `ctl stages concurrency <stage> <perWorker|off>`: Celery's `control pool_shrink`/`pool_grow`,
 * for every worker of the stage (at most the concurrency each started with).
 */
import type { Command } from 'commander';
import { STAGES } from '../../topology/stages.ts';
import { type CtlAction, parseStage } from './command-context.ts';
import { gatewayRequest, resolveGatewayTarget, withGatewayOptions } from './gateway-client.ts';
import { UsageError } from './output.ts';

export function registerStages(program: Command, run: CtlAction): void {
  const stages = program
    .command('stages')
    .description(
      'pause or resume a stage, or set its rate limit or concurrency, on every worker (through the gateway)',
    );
  for (const action of ['pause', 'resume'] as const) {
    withGatewayOptions(
      stages
        .command(action)
        .description(
          action === 'pause'
            ? "stop a stage's workers taking new jobs (running ones finish, queued ones wait)"
            : 'let a paused stage take jobs again',
        )
        .argument('<stage>', STAGES.join(', ')),
    ).action(
      run(async ({ out, options, env }, name: string) => {
        const stage = parseStage(name);
        const reply = await gatewayRequest<{ stage: string; command: string; commandId: string }>(
          resolveGatewayTarget(options, env),
          'POST',
          `/v1/stages/${stage}/${action}`,
          {},
        );
        if (out.json) out.data(reply);
        else out.line(`${stage}: ${reply.command} sent to every worker (command ${reply.commandId})`);
      }),
    );
  }
  withGatewayOptions(
    stages
      .command('rate-limit')
      .description("set a stage's job starts per second on every worker, or `off` for the stage's own limit")
      .argument('<stage>', STAGES.join(', '))
      .argument('<perSecond>', 'a number above 0, or off'),
  ).action(
    run(async ({ out, options, env }, name: string, value: string) => {
      const stage = parseStage(name);
      const perSecond = parseRate(value);
      const reply = await gatewayRequest<{ stage: string; rateLimitOverride: { perSecond: number } | null }>(
        resolveGatewayTarget(options, env),
        'PUT',
        `/v1/stages/${stage}/rate-limit`,
        { perSecond },
      );
      if (out.json) out.data(reply);
      else if (reply.rateLimitOverride === null) out.line(`${stage}: back to the stage's own rate limit`);
      else out.line(`${stage}: at most ${reply.rateLimitOverride.perSecond} job starts per second`);
    }),
  );
  withGatewayOptions(
    stages
      .command('concurrency')
      .description(
        "set how many jobs each of a stage's workers runs at once (at most its own), or `off` for each worker's own",
      )
      .argument('<stage>', STAGES.join(', '))
      .argument('<perWorker>', 'a whole number above 0, or off'),
  ).action(
    run(async ({ out, options, env }, name: string, value: string) => {
      const stage = parseStage(name);
      const perWorker = parseConcurrency(value);
      const reply = await gatewayRequest<{ stage: string; concurrencyOverride: { perWorker: number } | null }>(
        resolveGatewayTarget(options, env),
        'PUT',
        `/v1/stages/${stage}/concurrency`,
        { perWorker },
      );
      if (out.json) out.data(reply);
      else if (reply.concurrencyOverride === null) out.line(`${stage}: each worker back to its own concurrency`);
      else
        out.line(
          `${stage}: at most ${reply.concurrencyOverride.perWorker} job(s) at once per worker (never more than its own)`,
        );
    }),
  );
}

/** `off`, or a whole number of jobs above 0 (the gateway checks the upper bound). */
function parseConcurrency(value: string): number | null {
  if (value === 'off') return null;
  const perWorker = Number(value);
  if (value.trim() === '' || !Number.isInteger(perWorker) || perWorker < 1)
    throw new UsageError(`concurrency "${value}": a whole number above 0, or off`);
  return perWorker;
}

/** `off`, or a number of starts per second above 0 (the gateway checks the upper bound). */
function parseRate(value: string): number | null {
  if (value === 'off') return null;
  const perSecond = Number(value);
  if (value.trim() === '' || !(perSecond > 0)) throw new UsageError(`rate limit "${value}": a number above 0, or off`);
  return perSecond;
}
