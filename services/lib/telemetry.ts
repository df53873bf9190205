/**
 * OpenTelemetry for a sedano process: traces exported over OTLP/HTTP (protobuf) to the
 * configured collector (Jaeger in the local stack), and W3C trace context carried in Kafka
 * headers so a job's trace continues from producer to consumer. Propagators follow
 * OTEL_PROPAGATORS (default: W3C trace context and baggage).
 */
import { context, propagation, type Context, type Tracer, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';

export interface TelemetryOptions {
  /** `service.name` of every span this process exports. */
  serviceName: string;
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318 (`/v1/traces` is appended). */
  otlpEndpoint: string;
  /** Longest wait before a finished span is exported, in milliseconds (default 1000). */
  exportDelayMs?: number;
}

export interface Telemetry {
  tracer: Tracer;
  /** Exports every pending span, then stops the SDK. Safe to call more than once. */
  shutdown(): Promise<void>;
}

/** Starts the SDK for this process. Call once, from the service's main.ts. */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const exporter = new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` });
  const sdk = startNodeSdk({
    resourceAttributes: { 'service.name': options.serviceName },
    resourceDetectors: [],
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: options.exportDelayMs ?? 1_000 })],
    metricReaders: [],
    logRecordProcessors: [],
  });
  let stopped: Promise<void> | undefined;
  return {
    tracer: trace.getTracer('sedano'),
    shutdown: () => (stopped ??= sdk.shutdown()),
  };
}

/** The current trace context as Kafka headers (`traceparent`, `tracestate`). */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(from, headers);
  return headers;
}

/** The trace context carried by a consumed message's headers. */
export function contextFromHeaders(headers: Record<string, Buffer>): Context {
  const carrier = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.toString('utf8')]));
  return propagation.extract(context.active(), carrier);
}
