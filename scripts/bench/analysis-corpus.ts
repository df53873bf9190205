/**
 * A generated corpus for the analysis throughput bench (pure, deterministic): documents of
 * pages of about 3,000 characters (a printed page), in English or Italian, made of business
 * sentences with amounts, percentages, periods, opinions and names.
 */
import type { SectionText } from '../../services/analyzer/analyze-document.ts';

/** Characters per generated page. */
export const PAGE_CHARS = 3_000;

const ENGLISH = [
  (n: number) => `Revenue reached $${n}.${n % 10}m in Q${(n % 4) + 1} 2024, up ${n % 17}.5% on the previous quarter.`,
  (n: number) => `Net income was EUR ${n},${String(n * 7).padStart(3, '0')} in FY2023, while costs fell ${n % 9}%.`,
  (n: number) => `The customers in London said the service was excellent, but delivery was ${n % 2 ? 'slow' : 'late'}.`,
  (n: number) => `Jane Miller of Acme Corporation presented the results to the board on March ${(n % 27) + 1}, 2024.`,
  () => `The support team was not helpful and the invoices were wrong again.`,
  () => `Operating margins improved steadily thanks to lower energy prices and strong demand in Europe.`,
  (n: number) => `EBITDA of £${n}.2 million in the first half of 2024 gave a margin of ${n % 30}.4%.`,
  () => `The meeting covered the budget, the hiring plan and the new warehouse near the port.`,
];
const ITALIAN = [
  (n: number) =>
    `Nel ${['primo', 'secondo', 'terzo', 'quarto'][n % 4]} trimestre 2024 i ricavi sono stati pari a ${n},5 milioni di euro, in crescita del ${n % 13},2%.`,
  (n: number) => `L'utile netto dell'esercizio 2023 è stato di € ${n}.${String(n * 3).padStart(3, '0')},50.`,
  (n: number) =>
    `I clienti di Milano hanno trovato il servizio ottimo, ma la consegna ${n % 2 ? 'lenta' : 'in ritardo'}.`,
  () => `Mario Rossi del Gruppo Ferretti S.p.A. ha presentato i risultati al consiglio di amministrazione.`,
  () => `L'assistenza non è stata utile e le fatture erano di nuovo sbagliate.`,
  () => `I margini operativi sono migliorati grazie ai minori costi energetici e alla forte domanda in Europa.`,
  (n: number) => `L'EBITDA di ${n},2 mln di euro nel primo semestre 2024 corrisponde a un margine del ${n % 30},4%.`,
  () => `La riunione ha trattato il budget, il piano delle assunzioni e il nuovo magazzino vicino al porto.`,
];

/** The pages of document `index` of the corpus: alternately English and Italian. */
export function generatedDocument(index: number, pages: number): SectionText[] {
  const templates = index % 2 === 0 ? ENGLISH : ITALIAN;
  const sections: SectionText[] = [];
  let n = index * 7919;
  for (let page = 1; page <= pages; page += 1) {
    let text = '';
    while (text.length < PAGE_CHARS) {
      n = (n * 1103515245 + 12345) % 2147483648;
      const template = templates[n % templates.length] as (n: number) => string;
      text += `${template(((n >> 8) % 97) + 3)} `;
    }
    sections.push({ text: text.trim(), page, sheet: null, rows: null });
  }
  return sections;
}
