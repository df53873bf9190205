/**
 * Prometheus and Grafana files of docker-compose (deploy/) kept in step with the services and
 * the metrics the code defines: every long-running sedano service is scraped, and every
 * metric the Grafana dashboard queries exists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { createJobEventMetrics } from '../../services/gateway/job-event-metrics.ts';
import { createGatewayMetrics } from '../../services/gateway/metrics.ts';
import { createWorkerMetrics } from '../../services/lib/worker-metrics.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface ComposeService {
  build?: string;
  restart?: string;
  volumes?: string[];
  environment?: Record<string, string>;
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
  scrape_configs: {
    job_name: string;
    authorization?: { credentials_file: string };
    static_configs: { targets: string[] }[];
  }[];
};

test('Prometheus scrapes every long-running sedano service, the gateway with a token', () => {
  const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((config) => config.targets));
  const hosts = new Set(targets.map((target) => target.split(':')[0]));
  for (const [name, service] of Object.entries(compose.services)) {
    if (service.build === undefined || service.restart === 'no') continue;
    assert.ok(hosts.has(name), `${name} is scraped`);
  }
  const gateway = prometheus.scrape_configs.find((job) => job.job_name === 'sedano-gateway');
  const mounts = compose.services['prometheus']?.volumes ?? [];
  assert.ok(mounts.some((mount) => mount.endsWith(`:${gateway?.authorization?.credentials_file}:ro`)));
  assert.ok(mounts.some((mount) => mount.startsWith('./deploy/prometheus/prometheus.yml:')));
});

test("each worker target's service serves its metrics on the target's port; the gateway on its API port only", () => {
  const workers = prometheus.scrape_configs.find((job) => job.job_name === 'sedano-workers');
  const targets = workers?.static_configs.flatMap((config) => config.targets) ?? [];
  assert.ok(targets.length > 0);
  for (const target of targets) {
    const [host, port] = target.split(':');
    const service = compose.services[host ?? ''];
    assert.ok(service?.build, `${host} is a sedano service`);
    assert.equal(service.environment?.['SEDANO_METRICS_PORT'], port, `${host} sets SEDANO_METRICS_PORT=${port}`);
  }
  // Blank counts as unset (services/lib/settings.ts): no second endpoint beside its API's /metrics.
  assert.equal(compose.services['gateway']?.environment?.['SEDANO_METRICS_PORT'], '');
});

test('every metric the Grafana dashboard queries is defined by the gateway or the workers', async () => {
  const registry = new Registry();
  const none = async () => [];
  createGatewayMetrics(
    { jobCounts: none, inFlight: none, lag: none, deadLetters: async () => 0 },
    pino({ level: 'silent' }),
    registry,
  );
  createJobEventMetrics(registry);
  const worker = createWorkerMetrics();
  const defined = new Set(
    [...(await registry.getMetricsAsJSON()), ...(await worker.registry.getMetricsAsJSON())].map(
      (metric) => metric.name,
    ),
  );
  const dashboard = JSON.parse(read('deploy/grafana/sedano-dashboard.json')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  for (const panel of dashboard.panels) {
    for (const { expr } of panel.targets) {
      for (const [name] of expr.matchAll(/\b(?:sedano|http_server|process|nodejs)_[a-z0-9_]+/g)) {
        const family = name.replace(/_(bucket|sum|count)$/, '');
        assert.ok(defined.has(family) || defined.has(name), `${panel.title}: ${name} is defined`);
      }
    }
  }
});
