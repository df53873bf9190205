/**
 * OpenTelemetry for a sedano process: traces exported over OTLP/HTTP (protobuf) to the
 * configured collector (Jaeger in the local stack), and W3C trace context carried in Kafka
 * headers so a job's trace continues from producer to consumer. Propagators follow
 * OTEL_PROPAGATORS (default: W3C trace context and baggage).
 *
 * Set up from its parts (a tracer provider, an AsyncLocalStorage context manager, the
 * propagators) rather than with `@opentelemetry/sdk-node`, which loads the log and metric SDKs
 * and every exporter (gRPC, HTTP, protobuf) for traces, logs and metrics: about 17 MiB more in
 * a service's main thread and 9 MiB more in each worker thread (every thread of a stage starts
 * its own). What the node SDK read from the environment and sedano relies on is read the same
 * way: OTEL_SDK_DISABLED, OTEL_PROPAGATORS (`tracecontext`, `baggage`, `b3`, `b3multi`,
 * `none`), OTEL_TRACES_SAMPLER with OTEL_TRACES_SAMPLER_ARG, and OTEL_RESOURCE_ATTRIBUTES.
 */
import {
  context,
  diag,
  propagation,
  type Context,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  getBooleanFromEnv,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

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

/** Starts the SDK for this process (or worker thread). Call once, from the service's main.ts. */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const tracer = trace.getTracer('sedano');
  if (getBooleanFromEnv('OTEL_SDK_DISABLED')) return { tracer, shutdown: async () => undefined };
  const exporter = new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` });
  const provider = new TracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ 'service.name': options.serviceName })),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: options.exportDelayMs ?? 1_000 })],
    ...optional('sampler', samplerFromEnvironment()),
  });
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  const propagator = propagatorFromEnvironment();
  if (propagator !== undefined) propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  let stopped: Promise<void> | undefined;
  return { tracer, shutdown: () => (stopped ??= provider.shutdown()) };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** OTEL_PROPAGATORS as the node SDK reads it; undefined for `none` or only unknown names. */
function propagatorFromEnvironment(): TextMapPropagator | undefined {
  const names = [...new Set(getStringListFromEnv('OTEL_PROPAGATORS') ?? [])];
  const wanted = names.length === 0 ? ['tracecontext', 'baggage'] : names;
  if (wanted.includes('none')) return undefined;
  const factories: Record<string, () => TextMapPropagator> = {
    tracecontext: () => new W3CTraceContextPropagator(),
    baggage: () => new W3CBaggagePropagator(),
    b3: () => new B3Propagator(),
    b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  };
  const propagators = wanted.flatMap((name) => {
    const factory = Object.hasOwn(factories, name) ? factories[name] : undefined;
    if (factory === undefined) diag.warn(`unknown propagator from "OTEL_PROPAGATORS": "${name}"`);
    return factory === undefined ? [] : [factory()];
  });
  if (propagators.length <= 1) return propagators[0];
  return new CompositePropagator({ propagators });
}

/** OTEL_TRACES_SAMPLER (and its ratio) as the node SDK reads it; undefined: the default (parent-based, always on). */
function samplerFromEnvironment(): Sampler | undefined {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER');
  if (name === undefined) return undefined;
  const ratio = () => {
    const given = getNumberFromEnv('OTEL_TRACES_SAMPLER_ARG');
    return given === undefined || given < 0 || given > 1 ? 1 : given;
  };
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    default:
      diag.error(`unknown OTEL_TRACES_SAMPLER value "${name}", using default`);
      return undefined;
  }
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
