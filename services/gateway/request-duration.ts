/**
 * `http_server_request_duration_seconds{http_request_method,http_route,http_response_status_code}`:
 * OpenTelemetry's `http.server.request.duration`, with its attribute names and buckets, which
 * every request the gateway serves observes once.
 *
 * A metric of our own rather than prom-client's Histogram: on every observe, prom-client checks
 * the label object's names, builds a key string from its values and hashes it; that was about a
 * tenth of `GET /v1/jobs/:id`'s own CPU in `npm run bench -- api` (the socket writes aside), and
 * 2-3% of its requests per second. Here a series is found by three map lookups (few methods,
 * routes and statuses; no string is built), and an observation adds to one bucket, the sum and
 * the count.
 *
 * prom-client's registry renders it as one of its own histograms: at scrape time it asks a metric
 * for its `get()`, and `reset()` when the registry is reset, whatever the metric's class.
 */
import type { Histogram, Registry } from 'prom-client';

interface Series {
  labels: Record<string, string | number>;
  /** Observations per bucket, not cumulative (the last: above every bound, `+Inf` only). */
  counts: number[];
  sum: number;
  count: number;
}

export interface RequestDuration {
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** The histogram named `name` (buckets: upper bounds in seconds, ascending) on `registry`. */
export function createRequestDuration(options: {
  name: string;
  help: string;
  buckets: readonly number[];
  registry: Registry;
}): RequestDuration {
  const { name, help, buckets, registry } = options;
  const byMethod = new Map<string, Map<string, Map<number, Series>>>();

  function seriesOf(method: string, route: string, status: number): Series {
    let byRoute = byMethod.get(method);
    if (byRoute === undefined) {
      byRoute = new Map<string, Map<number, Series>>();
      byMethod.set(method, byRoute);
    }
    let byStatus = byRoute.get(route);
    if (byStatus === undefined) {
      byStatus = new Map<number, Series>();
      byRoute.set(route, byStatus);
    }
    let series = byStatus.get(status);
    if (series === undefined) {
      series = {
        labels: { http_request_method: method, http_route: route, http_response_status_code: status },
        counts: new Array<number>(buckets.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byStatus.set(status, series);
    }
    return series;
  }

  const header = { name, help, type: 'histogram', aggregator: 'sum' } as const;
  const metric = {
    ...header,
    async get() {
      const values = [];
      for (const byRoute of byMethod.values()) {
        for (const byStatus of byRoute.values()) {
          for (const { labels, counts, sum, count } of byStatus.values()) {
            let cumulative = 0;
            for (let i = 0; i < buckets.length; i += 1) {
              cumulative += counts[i]!;
              values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: buckets[i]! }, value: cumulative });
            }
            values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
            values.push({ metricName: `${name}_sum`, labels, value: sum });
            values.push({ metricName: `${name}_count`, labels, value: count });
          }
        }
      }
      return { ...header, values };
    },
    reset() {
      byMethod.clear();
    },
  };
  // Typed by prom-client as one of its metric classes; its registry only calls get() and reset().
  registry.registerMetric(metric as unknown as Histogram);

  return {
    observe(method, route, status, seconds) {
      const series = seriesOf(method, route, status);
      let bucket = 0;
      while (bucket < buckets.length && seconds > buckets[bucket]!) bucket += 1;
      series.counts[bucket]! += 1;
      series.sum += seconds;
      series.count += 1;
    },
  };
}
