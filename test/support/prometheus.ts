/**
 * Reading a Prometheus exposition in tests with a real parser (parse-prometheus-text-format,
 * a port of the Python client's). That parser folds a histogram's series into one sample and
 * loses their labels, so histograms are read from a second pass without the `# TYPE` lines,
 * where `<name>_bucket`, `_sum` and `_count` are plain series with their labels.
 */
import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from 'parse-prometheus-text-format';

export interface Exposition {
  /** The families as typed by the exposition (name, help, type). */
  families: Map<string, ParsedFamily>;
  /** Every series by sample name (histograms: `<name>_bucket`, `_sum`, `_count`). */
  samples: Map<string, ParsedSample[]>;
}

/** Parses an exposition; throws on text the parser refuses. */
export function parseExposition(text: string): Exposition {
  const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  const untyped = text
    .split('\n')
    .filter((line) => !line.startsWith('# TYPE '))
    .join('\n');
  const samples = new Map<string, ParsedSample[]>();
  for (const family of parsePrometheusTextFormat(untyped)) {
    samples.set(family.name, [...(samples.get(family.name) ?? []), ...family.metrics]);
  }
  return { families, samples };
}

function matching(exposition: Exposition, name: string, labels: Record<string, string>): ParsedSample[] {
  return (exposition.samples.get(name) ?? []).filter((sample) =>
    Object.entries(labels).every(([label, value]) => sample.labels?.[label] === value),
  );
}

/** A counter's or gauge's value for the labels, summed over the series they match (0: none). */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  return matching(exposition, name, labels).reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
}

/** A histogram's count, sum and cumulative buckets (by `le`) for the labels, summed over matching series. */
export function histogram(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): { count: number; sum: number; buckets: Record<string, number> } {
  const buckets: Record<string, number> = {};
  for (const sample of matching(exposition, `${name}_bucket`, labels)) {
    const le = sample.labels?.['le'] ?? '';
    buckets[le] = (buckets[le] ?? 0) + Number(sample.value ?? 0);
  }
  return {
    count: sampleValue(exposition, `${name}_count`, labels),
    sum: sampleValue(exposition, `${name}_sum`, labels),
    buckets,
  };
}
