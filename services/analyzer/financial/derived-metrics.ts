/**
 * Metrics derived from the KPIs of a document, each with its formula, its inputs and the
 * cells or sentences those came from:
 * - `<kpi>_growth`: (value - previous) / |previous| × 100, between consecutive periods of one
 *   kind (Q2 → Q3 2024, 2023 → 2024), in %;
 * - `ebitda_margin` = ebitda / revenue × 100 and `net_margin` = net_income / revenue × 100,
 *   for each period with both, in %.
 */
import { periodOrder } from './extract-periods.ts';
import { type Metric, metricReference } from './metric.ts';

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The first value of each (name, period), the provenance of its duplicates merged into it. */
export function mergeMetrics(metrics: readonly Metric[]): Metric[] {
  const byKey = new Map<string, Metric>();
  for (const metric of metrics) {
    const key = metricReference(metric);
    const existing = byKey.get(key);
    if (existing === undefined) byKey.set(key, { ...metric, provenance: [...metric.provenance] });
    else if (existing.value === metric.value) {
      for (const place of metric.provenance) if (!existing.provenance.includes(place)) existing.provenance.push(place);
    }
  }
  return [...byKey.values()];
}

/** Growth and margins derived from `metrics` (already merged). */
export function deriveMetrics(metrics: readonly Metric[]): Metric[] {
  return [...growthMetrics(metrics), ...marginMetrics(metrics)];
}

function growthMetrics(metrics: readonly Metric[]): Metric[] {
  const derived: Metric[] = [];
  const names = [...new Set(metrics.filter((m) => m.formula === null).map((m) => m.name))];
  for (const name of names) {
    const series = metrics
      .filter((m) => m.name === name && m.formula === null && m.period !== null)
      .map((m) => ({ metric: m, order: periodOrder(m.period as string) }))
      .filter((entry): entry is { metric: Metric; order: { kind: string; key: number } } => entry.order !== undefined)
      .sort((a, b) => a.order.key - b.order.key);
    for (let i = 1; i < series.length; i += 1) {
      const previous = series[i - 1] as (typeof series)[number];
      const current = series[i] as (typeof series)[number];
      if (current.order.kind !== previous.order.kind || current.order.key - previous.order.key !== 1) continue;
      if (previous.metric.value === 0 || current.metric.unit !== previous.metric.unit) continue;
      const [now, before] = [metricReference(current.metric), metricReference(previous.metric)];
      derived.push({
        name: `${name}_growth`,
        value: round2(((current.metric.value - previous.metric.value) / Math.abs(previous.metric.value)) * 100),
        unit: '%',
        period: current.metric.period,
        formula: `(${now} - ${before}) / |${before}| * 100`,
        inputs: [now, before],
        provenance: [...new Set([...current.metric.provenance, ...previous.metric.provenance])],
      });
    }
  }
  return derived;
}

function marginMetrics(metrics: readonly Metric[]): Metric[] {
  const derived: Metric[] = [];
  const revenues = metrics.filter((m) => m.name === 'revenue' && m.formula === null && m.value !== 0);
  for (const [numerator, marginName] of [
    ['ebitda', 'ebitda_margin'],
    ['net_income', 'net_margin'],
  ] as const) {
    for (const revenue of revenues) {
      const part = metrics.find(
        (m) => m.name === numerator && m.formula === null && m.period === revenue.period && m.unit === revenue.unit,
      );
      if (part === undefined) continue;
      const [top, bottom] = [metricReference(part), metricReference(revenue)];
      derived.push({
        name: marginName,
        value: round2((part.value / revenue.value) * 100),
        unit: '%',
        period: revenue.period,
        formula: `${top} / ${bottom} * 100`,
        inputs: [top, bottom],
        provenance: [...new Set([...part.provenance, ...revenue.provenance])],
      });
    }
  }
  return derived;
}
