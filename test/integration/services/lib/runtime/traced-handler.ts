/** A noop handler module for the worker-thread tracing test: one span of its own. */
import { trace } from '@opentelemetry/api';
import type { StageHandler } from '../../../../../services/lib/runtime/stage.ts';

export const handler: StageHandler<'noop'> = async () =>
  trace.getTracer('test').startActiveSpan('thread work', async (span) => {
    span.end();
    return { 'sedano.NoopResult': { sleptMs: 0, spunMs: 0, payload: null } };
  });
