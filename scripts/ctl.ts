/**
 * `npm run ctl -- <command>` (or the `sedano` bin): the operator CLI. One module per command
 * group under scripts/ctl/. Human output by default, `--json` for scripts; exit codes 0 ok,
 * 1 failure, 2 usage error; `--help` on every command.
 */
import { Command, CommanderError } from 'commander';
import { redactText } from '../services/lib/redaction.ts';
import { createCtlRunner } from './ctl/command-context.ts';
import { registerBackup } from './ctl/backup.ts';
import { registerDlq } from './ctl/dlq.ts';
import { registerExports } from './ctl/exports.ts';
import { registerInfra } from './ctl/infra.ts';
import { registerJobs } from './ctl/jobs.ts';
import { registerLag } from './ctl/lag.ts';
import { registerModels } from './ctl/models.ts';
import { CtlError } from './ctl/output.ts';
import { registerPurge } from './ctl/purge.ts';
import { registerSchedules } from './ctl/schedules.ts';
import { registerServiceStates } from './ctl/service-states.ts';
import { registerServices } from './ctl/services.ts';
import { registerStages } from './ctl/stages.ts';
import { registerWorkers } from './ctl/workers.ts';

const program = new Command('sedano')
  .description('operate sedano: services, workers, queues, jobs, dead letters, topology, local stack')
  .option('--json', 'print JSON for scripts instead of text for people')
  .option('--namespace <name>', 'the deployment to operate (default: SEDANO_NAMESPACE, else sedano)')
  .exitOverride()
  .showHelpAfterError('(add --help for usage)');
const runner = createCtlRunner(process.env, process.stdout, process.stderr);
registerServices(program, runner.run);
registerServiceStates(program, runner.run);
registerWorkers(program, runner.run);
registerStages(program, runner.run);
registerLag(program, runner.run);
registerPurge(program, runner.run);
registerJobs(program, runner.run);
registerDlq(program, runner.run);
registerExports(program, runner.run);
registerModels(program, runner.run);
registerInfra(program, runner.run);
registerSchedules(program, runner.run);
registerBackup(program, runner.run);

/** Tells the user why the command failed: a line, or under `--json` one JSON document, on stderr. */
function fail(failure: string, exitCode: number): void {
  process.exitCode = exitCode;
  // A message may repeat an endpoint given with its password (REDIS_URL): never shown.
  const message = redactText(failure);
  // A script that asked for JSON parses the failure too rather than matching text.
  const json = program.opts()['json'] === true;
  process.stderr.write(json ? `${JSON.stringify({ error: { message, exitCode } })}\n` : `sedano: ${message}\n`);
}

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // commander printed the help or the usage problem already.
    process.exitCode = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  } else if (error instanceof CtlError) {
    fail(error.message, error.exitCode);
  } else {
    fail(error instanceof Error ? error.message : String(error), 1);
  }
} finally {
  await runner.close();
}
