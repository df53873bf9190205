import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type JaegerTraceReply, timelineOf } from '../../../../services/gateway/trace-timeline.ts';

const TRACE = 'a'.repeat(32);

/** A Jaeger reply: API span, its publish, the worker's process span (times in µs), and an orphan. */
function reply(): JaegerTraceReply {
  return {
    data: [
      {
        traceID: TRACE,
        processes: { p1: { serviceName: 'sedano-gateway' }, p2: { serviceName: 'sedano-noop' } },
        spans: [
          {
            spanID: 'process',
            operationName: 'noop process',
            references: [{ refType: 'CHILD_OF', spanID: 'publish' }],
            startTime: 1_000_020_000,
            duration: 3_000_000,
            processID: 'p2',
            tags: [
              { key: 'span.kind', value: 'consumer' },
              { key: 'otel.status_code', value: 'ERROR' },
            ],
          },
          {
            spanID: 'api',
            operationName: 'POST /v1/jobs',
            startTime: 1_000_000_000,
            duration: 20_000,
            processID: 'p1',
            tags: [{ key: 'span.kind', value: 'server' }],
          },
          {
            spanID: 'publish',
            operationName: 'sedano.jobs.noop.normal publish',
            references: [{ refType: 'CHILD_OF', spanID: 'api' }],
            startTime: 1_000_001_500,
            duration: 10_000,
            processID: 'p1',
          },
          {
            spanID: 'orphan',
            operationName: 'late',
            references: [{ refType: 'CHILD_OF', spanID: 'not-exported' }],
            startTime: 1_000_500_000,
            duration: 1_000,
            processID: 'p3',
          },
        ],
      },
    ],
  };
}

test('a trace becomes a depth-first timeline on one time axis, in milliseconds', () => {
  const timeline = timelineOf(reply(), TRACE);
  assert.ok(timeline);
  assert.equal(timeline.traceId, TRACE);
  assert.equal(timeline.startedAt, 1_000_000);
  assert.equal(timeline.durationMs, 3020);
  assert.deepEqual(
    timeline.spans.map((span) => [span.operation, span.depth, span.offsetMs, span.durationMs]),
    [
      ['POST /v1/jobs', 0, 0, 20],
      ['sedano.jobs.noop.normal publish', 1, 1.5, 10],
      ['noop process', 2, 20, 3000],
      // Its parent never reached Jaeger: a root of its own, after the others by start time.
      ['late', 0, 500, 1],
    ],
  );
  const [api, publish, process, late] = timeline.spans;
  assert.equal(api!.service, 'sedano-gateway');
  assert.equal(api!.kind, 'server');
  assert.equal(publish!.kind, null);
  assert.equal(publish!.parentSpanId, 'api');
  assert.equal(process!.service, 'sedano-noop');
  assert.equal(process!.error, true, 'an OpenTelemetry ERROR status');
  assert.equal(api!.error, false);
  assert.equal(late!.service, 'unknown');
  assert.equal(late!.parentSpanId, null);
});

test('a trace Jaeger has no span of is no timeline', () => {
  assert.equal(timelineOf({ data: [] }, TRACE), undefined);
  assert.equal(timelineOf({}, TRACE), undefined);
  assert.equal(timelineOf({ data: [{ traceID: TRACE, spans: [] }] }, TRACE), undefined);
});
