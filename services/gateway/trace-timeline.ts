/**
 * A job's trace as a timeline (pure): Jaeger's query API answers `GET /api/traces/<traceId>`
 * with every span of the trace and the processes (services) that emitted them; the dashboard
 * draws them as bars on one time axis, each indented under its parent, so a person sees where
 * a job's time went (API -> Kafka -> worker -> handler) without the Jaeger UI.
 */

/** The part of a Jaeger span the timeline reads (Jaeger's JSON: times in microseconds). */
export interface JaegerSpanJson {
  spanID: string;
  operationName: string;
  references?: { refType: string; spanID: string }[];
  startTime: number;
  duration: number;
  processID?: string;
  tags?: { key: string; value: unknown }[];
}

/** The part of Jaeger's `GET /api/traces/<id>` reply the timeline reads. */
export interface JaegerTraceReply {
  data?: { traceID: string; spans: JaegerSpanJson[]; processes?: Record<string, { serviceName: string }> }[];
}

/** One bar of the timeline. */
export interface TimelineSpan {
  spanId: string;
  parentSpanId: string | null;
  operation: string;
  service: string;
  /** `span.kind` (server, client, producer, consumer, internal), or null when not tagged. */
  kind: string | null;
  /** Start, in milliseconds after the trace's first span started. */
  offsetMs: number;
  durationMs: number;
  /** How many ancestors the span has in this trace (0: a root, or a span whose parent is not in Jaeger). */
  depth: number;
  /** The span ended in error (`error` tag, or an OpenTelemetry ERROR status). */
  error: boolean;
}

export interface Timeline {
  traceId: string;
  /** When the first span started, ms since the epoch. */
  startedAt: number;
  /** From the first span's start to the last span's end, in milliseconds. */
  durationMs: number;
  /** Depth-first: each span right after its parent, siblings by start time. */
  spans: TimelineSpan[];
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function tag(span: JaegerSpanJson, key: string): unknown {
  return span.tags?.find((candidate) => candidate.key === key)?.value;
}

/** The timeline of a Jaeger reply; undefined when the reply holds no span (not exported yet, or unknown). */
export function timelineOf(reply: JaegerTraceReply, traceId: string): Timeline | undefined {
  const trace = reply.data?.[0];
  if (trace === undefined || trace.spans.length === 0) return undefined;
  const spans = trace.spans;
  const ids = new Set(spans.map((span) => span.spanID));
  const parentOf = (span: JaegerSpanJson) => {
    const parent = (span.references ?? []).find((ref) => ref.refType === 'CHILD_OF') ?? span.references?.[0];
    return parent !== undefined && ids.has(parent.spanID) ? parent.spanID : null;
  };
  const children = new Map<string | null, JaegerSpanJson[]>();
  for (const span of spans) {
    const parent = parentOf(span);
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const start = Math.min(...spans.map((span) => span.startTime));
  const end = Math.max(...spans.map((span) => span.startTime + span.duration));
  const ordered: TimelineSpan[] = [];
  const visit = (parent: string | null, depth: number) => {
    const siblings = [...(children.get(parent) ?? [])].sort((a, b) => a.startTime - b.startTime);
    for (const span of siblings) {
      const kind = tag(span, 'span.kind');
      const status = tag(span, 'otel.status_code');
      ordered.push({
        spanId: span.spanID,
        parentSpanId: parent,
        operation: span.operationName,
        service: trace.processes?.[span.processID ?? '']?.serviceName ?? 'unknown',
        kind: typeof kind === 'string' ? kind : null,
        offsetMs: round((span.startTime - start) / 1000),
        durationMs: round(span.duration / 1000),
        depth,
        error: tag(span, 'error') === true || status === 'ERROR',
      });
      visit(span.spanID, depth + 1);
    }
  };
  visit(null, 0);
  return { traceId, startedAt: Math.floor(start / 1000), durationMs: round((end - start) / 1000), spans: ordered };
}
