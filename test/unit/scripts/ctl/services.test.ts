import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVICES, serviceMetricsPorts } from '../../../../scripts/ctl/services.ts';

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
