/**
 * `ctl stages pause|resume <stage>`: a stage's workers stop taking new jobs (running ones
 * finish; queued ones wait in their lanes) or take them again, through the gateway's
 * /v1/stages routes (an admin token). What Celery's `control cancel_consumer` and
 * `add_consumer` do for a queue; the overview of the dashboard has the same buttons.
 */
import type { Command } from 'commander';
import { STAGES } from '../../topology/stages.ts';
import { type CtlAction, parseStage } from './command-context.ts';
import { gatewayRequest, resolveGatewayTarget, withGatewayOptions } from './gateway-client.ts';

export function registerStages(program: Command, run: CtlAction): void {
  const stages = program.command('stages').description('pause or resume a stage on every worker (through the gateway)');
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
}
