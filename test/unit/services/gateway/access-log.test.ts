import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessLogLevel } from '../../../../services/gateway/access-log.ts';

test('access log, writes-and-errors: successful reads at debug; changes and every error at info', () => {
  const level = (method: string, route: string, status: number) =>
    accessLogLevel('writes-and-errors', method, route, status);
  assert.equal(level('GET', '/v1/jobs/:id', 200), 'debug');
  assert.equal(level('GET', '/v1/jobs/:id/events', 200), 'debug');
  assert.equal(level('HEAD', '/v1/exports/:id', 200), 'debug');
  assert.equal(level('POST', '/v1/jobs', 202), 'info');
  assert.equal(level('DELETE', '/v1/jobs/:id', 202), 'info');
  assert.equal(level('PUT', '/v1/schedules/:name', 200), 'info');
  assert.equal(level('GET', '/v1/jobs/:id', 404), 'info');
  assert.equal(level('GET', 'unmatched', 404), 'info');
  assert.equal(level('GET', '/v1/jobs', 401), 'info');
  assert.equal(level('GET', '/v1/jobs/:id', 503), 'info');
});

test('access log, all: every request at info but an answered health probe', () => {
  assert.equal(accessLogLevel('all', 'GET', '/v1/jobs/:id', 200), 'info');
  assert.equal(accessLogLevel('all', 'GET', '/v1/jobs/:id', 304), 'info');
  assert.equal(accessLogLevel('all', 'POST', '/v1/jobs', 202), 'info');
  assert.equal(accessLogLevel('all', 'GET', '/healthz', 200), 'debug');
  assert.equal(accessLogLevel('all', 'GET', '/readyz', 200), 'debug');
});

test('access log: a failing readiness probe is at info in either mode', () => {
  assert.equal(accessLogLevel('all', 'GET', '/readyz', 503), 'info');
  assert.equal(accessLogLevel('writes-and-errors', 'GET', '/readyz', 503), 'info');
});
