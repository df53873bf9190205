/**
 * KPIs stated in sentences: `Revenue rose to €12.5 million in Q3 2024 from €11.0 million in
 * Q2 2024`, `L'EBITDA del 2024 è stato di 3,1 milioni di euro`. For each KPI named in a
 * sentence, the amounts after it (up to the next KPI named) are paired with the periods of
 * that stretch in order; a single period with several amounts goes to the first amount only;
 * with no period in the stretch, the sentence's only period is used, or none.
 */
import type { FoundAmount } from './extract-amounts.ts';
import type { FoundPeriod } from './extract-periods.ts';
import { KPI_LABELS, type Metric } from './metric.ts';

interface Mention {
  name: string;
  start: number;
  end: number;
}

const GLOBAL_LABELS = KPI_LABELS.map(({ name, pattern }) => ({ name, pattern: new RegExp(pattern.source, 'giu') }));
// Any KPI word at all: most sentences have none, and are passed over with one test.
const ANY_LABEL = new RegExp(KPI_LABELS.map(({ pattern }) => `(?:${pattern.source})`).join('|'), 'iu');

function mentions(sentence: string): Mention[] {
  const found: Mention[] = [];
  if (!ANY_LABEL.test(sentence)) return found;
  for (const { name, pattern } of GLOBAL_LABELS) {
    for (const match of sentence.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (!found.some((m) => start < m.end && end > m.start)) found.push({ name, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * KPIs of one sentence, given its amounts and periods (offsets within the sentence);
 * `place` names the sentence in provenance (`p.2 s.4`).
 */
export function extractKpiSentence(
  sentence: string,
  amounts: readonly FoundAmount[],
  periods: readonly FoundPeriod[],
  place: string,
): Metric[] {
  if (amounts.length === 0) return [];
  const named = mentions(sentence);
  const metrics: Metric[] = [];
  const excerpt = sentence.length > 120 ? `${sentence.slice(0, 117)}…` : sentence;
  named.forEach((mention, i) => {
    const until = named[i + 1]?.start ?? sentence.length;
    const stretchAmounts = amounts.filter((a) => a.start >= mention.end && a.start < until);
    // A period may precede its KPI ("Nel 2024 i ricavi sono stati ..."): look from the previous mention on.
    const from = i === 0 ? 0 : (named[i - 1] as Mention).end;
    let stretchPeriods = periods.filter((p) => p.start >= from && p.start < until).map((p) => p.period);
    if (stretchPeriods.length === 0 && periods.length === 1) stretchPeriods = [(periods[0] as FoundPeriod).period];
    stretchAmounts.forEach((amount, k) => {
      const period =
        stretchAmounts.length === stretchPeriods.length ? stretchPeriods[k] : k === 0 ? stretchPeriods[0] : undefined;
      if (k > 0 && period === undefined) return;
      metrics.push({
        name: mention.name,
        value: amount.value,
        unit: amount.currency,
        period: period ?? null,
        formula: null,
        inputs: [],
        provenance: [`${place}: ${excerpt}`],
      });
    });
  });
  return metrics;
}
