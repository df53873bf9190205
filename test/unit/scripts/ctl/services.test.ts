import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVICES, serviceMetricsPorts, startedByUp, stillStartedByUp } from '../../../../scripts/ctl/services.ts';

test('ctl up gives no service a metrics port unless it is given one', () => {
  const ports = serviceMetricsPorts({});
  assert.deepEqual(
    Object.keys(ports),
    SERVICES.map((service) => service.name),
  );
  assert.ok(
    Object.values(ports).every((port) => port === ''),
    'blank: unset, even if a parent exported it',
  );
  assert.ok(Object.values(serviceMetricsPorts({ SEDANO_METRICS_PORT: ' ' })).every((port) => port === ''));
});

test('given one, each service but the gateway gets its own consecutive port', () => {
  const ports = serviceMetricsPorts({ SEDANO_METRICS_PORT: '9464' });
  assert.equal(ports['status-projector'], '9464');
  assert.equal(ports['noop'], '9465');
  assert.equal(ports['gateway'], '', 'its metrics are on its API port');
  const given = Object.values(ports).filter((port) => port !== '');
  assert.equal(new Set(given).size, SERVICES.length - 1);
  assert.throws(() => serviceMetricsPorts({ SEDANO_METRICS_PORT: 'x' }), /SEDANO_METRICS_PORT/);
  assert.throws(() => serviceMetricsPorts({ SEDANO_METRICS_PORT: '65534' }), /no room/);
});

test('ctl up keeps in its record only the stack components not started again since it wrote it', () => {
  const now = [
    { name: 'kafka' as const, startedAtMs: 1_000 },
    { name: 'redis' as const, startedAtMs: 5_000 },
    { name: 'jaeger' as const, startedAtMs: undefined },
  ];
  // Redis was started again after the record (scripts/stack down, then up): not up's any more.
  assert.deepEqual(stillStartedByUp(['kafka', 'redis', 'jaeger'], now, 2_000), ['kafka', 'jaeger']);
  assert.deepEqual(stillStartedByUp(['kafka', 'redis'], now, undefined), ['kafka', 'redis']);
});

test('ctl up records the stack components it started, also those left running by a failed up', () => {
  const before = [
    { name: 'kafka' as const, state: 'stopped' as const },
    { name: 'schema-registry' as const, state: 'stopped' as const },
    { name: 'redis' as const, state: 'running' as const },
    { name: 'jaeger' as const, state: 'stopped' as const },
  ];
  // The registry failed to start; Kafka is up, Jaeger has a process that is not ready yet.
  const after = [
    { name: 'kafka' as const, pid: 11 },
    { name: 'schema-registry' as const, pid: undefined },
    { name: 'redis' as const, pid: 12 },
    { name: 'jaeger' as const, pid: 13 },
  ];
  assert.deepEqual(startedByUp(before, after), ['kafka', 'jaeger']);
});
