/** A task context for running a maintenance task directly in a test, with the progress it reported. */
import { pino } from 'pino';
import type { TaskContext } from '../../../../services/maintenance/maintenance-task.ts';
import { maintenanceRun } from '../../../../services/scheduler/maintenance-run.ts';
import { slotIdempotencyKey } from '../../../../services/scheduler/slot-identity.ts';
import type { MaintenanceTask } from '../../../../schemas/maintenance-task.ts';

export function taskContext(task: MaintenanceTask): TaskContext & { reported: string[] } {
  const slot = Math.floor(Date.now() / 1000) * 1000;
  const reported: string[] = [];
  return {
    request: maintenanceRun({ name: 'test', task }, slot, slotIdempotencyKey('test', slot), slot, null).request,
    signal: new AbortController().signal,
    logger: pino({ level: 'silent' }),
    progress: (current, total, message) => void reported.push(`${current}/${total} ${message}`),
    reported,
  };
}
