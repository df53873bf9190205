/**
 * Sample export requests (pure): a report of each template in Italian and English, used by
 * the tests, the bench (`npm run bench -- export`) and the pictures under docs/. The
 * financial one is sized by its number of detail rows, so a bench can ask for 3 or 100 pages.
 */
import type { ExportReportRequest } from '../../schemas/export-report-request.ts';
import type { ReportFinancials } from '../../schemas/report-financials.ts';
import type { ReportLanguage } from './report-language.ts';

/** 30 November 2026, 09:00 UTC: a fixed date, so samples render the same bytes. */
export const SAMPLE_SUBMITTED_AT = Date.UTC(2026, 10, 30, 9);

function header(jobId: string) {
  return {
    jobId,
    jobType: 'EXPORT_REPORT' as const,
    priority: 'NORMAL' as const,
    batchId: null,
    parentJobId: null,
    idempotencyKey: null,
    submittedAt: SAMPLE_SUBMITTED_AT,
    submitter: 'sample',
    retryPolicy: null,
    softTimeLimitMs: null,
    hardTimeLimitMs: null,
    expiresAt: null,
  };
}

/** Quarterly figures of a small company, in euro. */
export function sampleFinancials(language: ReportLanguage): ReportFinancials {
  const it = language === 'it';
  return {
    currency: 'EUR',
    periods: ['Q1 2025', 'Q2 2025', 'Q3 2025', 'Q4 2025'],
    kpis: [
      {
        name: it ? 'Ricavi' : 'Revenue',
        format: 'CURRENCY',
        values: [1_234.56e3, 1_310.2e3, 1_288.9e3, 1_452.75e3],
        missing: [],
        chart: 'BAR',
      },
      {
        name: it ? 'Costi operativi' : 'Operating costs',
        format: 'CURRENCY',
        values: [980.1e3, 1_002.4e3, 1_011.3e3, 1_090.0e3],
        missing: [],
        chart: null,
      },
      { name: 'EBITDA', format: 'CURRENCY', values: [254.46e3, 307.8e3, 277.6e3, 362.75e3], missing: [], chart: null },
      {
        name: it ? 'Margine EBITDA' : 'EBITDA margin',
        format: 'PERCENT',
        values: [20.6, 23.5, 21.5, 25.0],
        missing: [],
        chart: 'LINE',
      },
      {
        name: it ? 'Margine netto' : 'Net margin',
        format: 'PERCENT',
        values: [8.1, 9.4, 0, 11.2],
        missing: [2],
        chart: 'LINE',
      },
      { name: it ? 'Dipendenti' : 'Employees', format: 'NUMBER', values: [42, 44, 44, 47], missing: [], chart: null },
    ],
  };
}

/** Detail rows of the sample financial report: one line per invoice. */
function invoiceRows(count: number, language: ReportLanguage): string[][] {
  const euro = new Intl.NumberFormat(language === 'it' ? 'it-IT' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
    useGrouping: 'always',
  });
  const customers = [
    'Società Agricola Però',
    'Caffè Ça Va S.r.l.',
    'Müller & Söhne GmbH',
    'Åsa Ström AB',
    'Città di Cefalù',
  ];
  return Array.from({ length: count }, (_unused, i) => [
    `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
    `FT-${String(1000 + i)}`,
    customers[i % customers.length]!,
    euro.format(((i * 7919) % 100_000) / 10 + 250),
  ]);
}

/** A financial report with `detailRows` invoice lines after the figures (30 rows make about 3 pages). */
export function sampleFinancialRequest(jobId: string, language: ReportLanguage, detailRows = 30): ExportReportRequest {
  const it = language === 'it';
  return {
    header: header(jobId),
    template: 'FINANCIAL',
    title: it ? 'Risultati trimestrali 2025 — Società Però S.p.A.' : 'Quarterly results 2025 — Però S.p.A.',
    sections: [
      {
        heading: it ? 'Commento della direzione' : "Management's commentary",
        paragraphs: [
          it
            ? "Nel quarto trimestre i ricavi sono cresciuti del 12,7% grazie all'espansione nel Nord Italia; la qualità del portafoglio clienti è migliorata e il margine è salito al 25%."
            : 'Revenue grew 12.7% in the fourth quarter thanks to the expansion in northern Italy; the quality of the customer base improved and the margin rose to 25%.',
          it
            ? 'Perché è così: più vendite, costi più stabili, più efficienza.'
            : 'Why: more sales, steadier costs, more efficiency.',
        ],
        table: null,
        charts: [],
      },
      {
        heading: it ? 'Dettaglio fatture' : 'Invoice detail',
        paragraphs: [],
        table: {
          columns: it ? ['Data', 'Fattura', 'Cliente', 'Importo'] : ['Date', 'Invoice', 'Customer', 'Amount'],
          rows: invoiceRows(detailRows, language),
        },
        charts: [],
      },
    ],
    analysisJobId: null,
    language,
    financials: sampleFinancials(language),
  };
}

/** A default-template report: paragraphs, a table and a chart per section. */
export function sampleDefaultRequest(jobId: string, language: ReportLanguage): ExportReportRequest {
  const it = language === 'it';
  return {
    header: header(jobId),
    template: 'DEFAULT',
    title: it ? 'Stato della piattaforma — novembre' : 'Platform status — November',
    sections: [
      {
        heading: it ? 'Sintesi' : 'Summary',
        paragraphs: [
          it
            ? 'La piattaforma ha elaborato più documenti che mai: l’indicizzazione è stabile e la qualità delle risposte è migliorata. Il costo per documento è sceso a 0,42 €.'
            : 'The platform processed more documents than ever: indexing is stable and answer quality improved. The cost per document fell to €0.42.',
        ],
        table: {
          columns: it ? ['Coda', 'Lavori', 'Durata media', 'Errori'] : ['Queue', 'Jobs', 'Mean duration', 'Failures'],
          rows: [
            [it ? 'indicizzazione' : 'indexing', '12.480', '4,2 s', '0,3%'],
            [it ? 'analisi' : 'analysis', '3.215', '1,8 s', '0,1%'],
            ['export', '412', '2,6 s', '0,0%'],
          ],
        },
        charts: [
          {
            kind: 'BAR',
            title: it ? 'Lavori per settimana' : 'Jobs per week',
            categories: ['W44', 'W45', 'W46', 'W47', 'W48'],
            series: [
              { name: it ? 'indicizzazione' : 'indexing', values: [2100, 2380, 2620, 2710, 2670] },
              { name: it ? 'analisi' : 'analysis', values: [560, 610, 640, 690, 715] },
            ],
            xAxisLabel: it ? 'Settimana' : 'Week',
            yAxisLabel: it ? 'Lavori' : 'Jobs',
            valueFormat: 'NUMBER',
          },
        ],
      },
      {
        heading: it ? 'Affidabilità' : 'Reliability',
        paragraphs: [
          it
            ? 'Nessun lavoro è andato perso durante i riavvii del broker; la latenza p99 è rimasta sotto i 250 ms.'
            : 'No job was lost across broker restarts; p99 latency stayed under 250 ms.',
        ],
        table: null,
        charts: [
          {
            kind: 'LINE',
            title: it ? 'Latenza p99 (ms)' : 'p99 latency (ms)',
            categories: ['W44', 'W45', 'W46', 'W47', 'W48'],
            series: [{ name: 'p99', values: [231, 244, 219, 208, 212] }],
            xAxisLabel: it ? 'Settimana' : 'Week',
            yAxisLabel: 'ms',
            valueFormat: 'NUMBER',
          },
        ],
      },
    ],
    analysisJobId: null,
    language,
    financials: null,
  };
}
