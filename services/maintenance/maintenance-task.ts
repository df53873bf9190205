/** What a maintenance task is given and what it returns: the contract between the worker and each task. */
import type { MaintenanceRequest } from '../../schemas/maintenance-request.ts';
import type { MaintenanceTask } from '../../schemas/maintenance-task.ts';
import type { Logger } from '../lib/logger.ts';

export interface TaskContext {
  request: MaintenanceRequest;
  /** Aborted when the worker shuts down: a task stops between two steps and throws. */
  signal: AbortSignal;
  logger: Logger;
  /** Reports progress (steps done of steps planned); throttled by the worker. */
  progress: (current: number, total: number, message: string) => void;
}

/** What a task did: a summary, the total, and a count per kind of thing it touched. */
export interface TaskOutcome {
  summary: string;
  itemsAffected: number;
  counts: Record<string, number>;
}

export type TaskRunner = (context: TaskContext) => Promise<TaskOutcome>;

/** The runners of the tasks this deployment can run; a request for another one fails at once. */
export type TaskRunners = Partial<Record<MaintenanceTask, TaskRunner>>;

/** Sums counts into an outcome whose itemsAffected is the sum of the `affected` kinds (pure). */
export function outcomeOf(summary: string, counts: Record<string, number>, affected: readonly string[]): TaskOutcome {
  return { summary, counts, itemsAffected: affected.reduce((sum, kind) => sum + (counts[kind] ?? 0), 0) };
}
