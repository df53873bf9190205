/**
 * The gateway's part of a job's trace: a request that submits work runs in a SERVER span, so
 * the job's producer span, its consumer span on a worker and the handler's spans all share one
 * trace (API → Kafka → stage). A caller that sends W3C `traceparent`/`tracestate` headers (an
 * upstream RAG application) has the job continue its own trace.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';

/** Runs `work` in a SERVER span named after the route; `work` gets the trace id (for logs). */
export function inServerSpan<T>(request: FastifyRequest, work: (traceId: string) => Promise<T>): Promise<T> {
  const parent = propagation.extract(context.active(), request.headers);
  const name = `${request.method} ${request.routeUrl}`;
  return trace.getTracer('sedano').startActiveSpan(name, { kind: SpanKind.SERVER }, parent, async (span) => {
    try {
      return await work(span.spanContext().traceId);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
