/** A KPI found in a document or derived from others, with where it came from. */
export interface Metric {
  /** `revenue`, `ebitda`, `ebit`, `net_income`, `costs`; derived: `<kpi>_growth`, `ebitda_margin`, `net_margin`. */
  name: string;
  value: number;
  /** ISO currency code, `%`, or null for a number in no known unit. */
  unit: string | null;
  /** Normalised period (extract-periods.ts), or null when none is stated. */
  period: string | null;
  /** How a derived metric was computed, over its inputs; null for a metric read as written. */
  formula: string | null;
  /** The metrics a derived one was computed from (`revenue[2024-Q3]`); empty for a read one. */
  inputs: string[];
  /** Where the figures came from: cells (`KPI!C3`, `C3` in a CSV) or sentences (`p.2 s.4: …`). */
  provenance: string[];
}

/** The reference of a metric in formulas and inputs: `revenue[2024-Q3]`, `revenue[]` without a period. */
export function metricReference(metric: Pick<Metric, 'name' | 'period'>): string {
  return `${metric.name}[${metric.period ?? ''}]`;
}

/** The KPIs recognised in tables and sentences, with the labels that name them (English, Italian). */
export const KPI_LABELS: readonly { name: string; pattern: RegExp }[] = [
  {
    name: 'revenue',
    pattern:
      /(?<!\bcosts?\s+of\s+|\bcosto\s+del(?:le)?\s+)\b(?:total\s+|net\s+)?(?:revenues?|sales|turnover|ricavi(?:\s+(?:totali|netti|delle\s+vendite))?|fatturato|vendite)\b/iu,
  },
  { name: 'ebitda', pattern: /\b(?:ebitda|margine\s+operativo\s+lordo|mol)\b(?!\s+(?:margin|margine|%))/iu },
  {
    name: 'ebit',
    pattern: /\b(?:ebit|operating\s+income|risultato\s+operativo|reddito\s+operativo)\b(?!\s+(?:margin|margine))/iu,
  },
  {
    name: 'net_income',
    pattern:
      /\b(?:net\s+(?:income|profit|earnings)|profit\s+for\s+the\s+(?:year|period)|utile\s+netto|risultato\s+netto|utile\s+d['’]esercizio)\b(?!\s+(?:margin|margine))/iu,
  },
  {
    name: 'costs',
    pattern:
      /\b(?:total\s+|operating\s+)?(?:costs?(?:\s+of\s+(?:sales|goods\s+sold|revenues?))?|expenses|opex|costi(?:\s+(?:operativi|totali))?|costo\s+del\s+venduto|spese(?:\s+operative)?)\b/iu,
  },
];

/** The KPI a label names, if any (the first that matches, so `EBITDA` is not `EBIT`). */
export function kpiOfLabel(label: string): string | undefined {
  return KPI_LABELS.find(({ pattern }) => pattern.test(label))?.name;
}
