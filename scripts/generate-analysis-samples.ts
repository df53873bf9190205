/**
 * The analysis stage's samples in samples/documents/ (written by generate-samples.ts after the
 * loader samples, not listed in its manifest): quarterly results in prose (an Italian PDF, an
 * English DOCX), KPI tables (an Italian XLSX with Italian labels, an English CSV) and customer
 * feedback (English and Italian text). ANALYSIS_SAMPLES says what the analysis must find in
 * each; the integration tests check it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const FIXED_DATE = new Date('2025-01-01T00:00:00Z');

/** What the analysis finds in each sample (metric references are name[period]). */
export const ANALYSIS_SAMPLES = {
  'it-results.pdf': {
    language: 'it',
    amounts: [12_500_000, 11_500_000, 2_500_000, 1_250_000],
    periods: ['2024-Q3', '2024-Q2'],
    metrics: { 'revenue_growth[2024-Q3]': 8.7, 'ebitda_margin[2024-Q3]': 20, 'net_margin[2024-Q3]': 10 },
    sentiment: 'POSITIVE',
  },
  'en-results.docx': {
    language: 'en',
    amounts: [4_800_000, 4_000_000, 1_200_000, 600_000],
    periods: ['FY2024', 'FY2023'],
    metrics: { 'revenue_growth[FY2024]': 20, 'ebitda_margin[FY2024]': 25, 'net_margin[FY2024]': 12.5 },
    sentiment: 'POSITIVE',
  },
  'it-kpi.xlsx': {
    language: 'it',
    amounts: [],
    periods: ['2024-Q1', '2024-Q2', '2024-Q3'],
    metrics: { 'revenue[2024-Q3]': 1_500_000, 'revenue_growth[2024-Q3]': 11.11, 'ebitda_margin[2024-Q3]': 22 },
    sentiment: null,
  },
  'en-kpi.csv': {
    language: 'en',
    amounts: [],
    periods: ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4'],
    metrics: { 'revenue[2024-Q4]': 1_100_000, 'revenue_growth[2024-Q4]': 13.64, 'ebitda_margin[2024-Q4]': 22 },
    sentiment: null,
  },
  'en-feedback.txt': { language: 'en', amounts: [], periods: [], metrics: {}, sentiment: 'POSITIVE' },
  'it-feedback.txt': { language: 'it', amounts: [], periods: [], metrics: {}, sentiment: 'NEGATIVE' },
} as const;

async function italianResultsPdf(): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setCreationDate(FIXED_DATE);
  document.setModificationDate(FIXED_DATE);
  document.setTitle('Relazione trimestrale');
  const font = await document.embedFont(StandardFonts.Helvetica);
  const pages = [
    [
      'Relazione trimestrale del Gruppo Ferretti S.p.A.',
      'Nel terzo trimestre 2024 i ricavi sono stati pari a 12,5 milioni di euro, contro 11,5 milioni del secondo trimestre 2024.',
      "L'EBITDA del terzo trimestre 2024 è stato di 2,5 milioni di euro.",
      "L'utile netto del terzo trimestre 2024 è stato di 1,25 milioni di euro.",
    ],
    [
      'Commento della direzione',
      "L'amministratore delegato Giulia Bianchi si è detta molto soddisfatta dei risultati, ottimi in tutte le regioni.",
      'La domanda resta solida e i clienti apprezzano la qualità del servizio.',
    ],
  ];
  for (const lines of pages) {
    const page = document.addPage([595, 842]);
    lines.forEach((line, index) => page.drawText(line, { x: 40, y: 780 - index * 20, size: 9, font }));
  }
  return document.save({ useObjectStreams: false });
}

async function englishResultsDocx(): Promise<Uint8Array> {
  const document = new Document({
    creator: 'sedano',
    title: 'Annual results',
    sections: [
      {
        children: [
          new Paragraph({ text: 'Annual results', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Revenue reached $4.8 million in FY2024, up from $4.0 million in FY2023.'),
          new Paragraph('EBITDA was $1.2 million in FY2024, and net income was $0.6 million in FY2024.'),
          new Paragraph({ text: 'Outlook', heading: HeadingLevel.HEADING_2 }),
          new Paragraph('Customers praised the excellent service, and the board is confident about the year ahead.'),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

async function italianKpiXlsx(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  const sheet = workbook.addWorksheet('KPI');
  sheet.addRow(['Conto economico (€ migliaia)']);
  sheet.addRow(['Voce', '1° trimestre 2024', '2° trimestre 2024', '3° trimestre 2024']);
  sheet.addRow(['Ricavi', 1200, 1350, 1500]);
  sheet.addRow(['Costi operativi', 960, 1080, 1170]);
  sheet.addRow(['EBITDA', 240, 270, 330]);
  sheet.addRow(['Utile netto', 100, 120, 150]);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function englishKpiCsv(): string {
  return [
    'Metric (USD thousands),Q1 2024,Q2 2024,Q3 2024,Q4 2024',
    'Revenue,800,880,968,1100',
    'Costs,640,704,765,858',
    'EBITDA,160,176,203,242',
    'Net income,80,88,97,121',
    '',
  ].join('\n');
}

const ENGLISH_FEEDBACK = [
  'Customer feedback, October',
  '',
  'The delivery arrived a day early and the packaging was perfect.',
  'Support answered within minutes and solved my problem, excellent service.',
  'The price is a bit high, but the quality is outstanding.',
  'Very happy with the new dashboard, it is fast and easy to use.',
  '',
].join('\n');

const ITALIAN_FEEDBACK = [
  'Opinioni dei clienti, ottobre',
  '',
  'La consegna è arrivata con due settimane di ritardo e il pacco era danneggiato.',
  "L'assistenza non ha risposto alle mie email, servizio pessimo.",
  'Il prodotto è bello, ma si è rotto dopo una settimana.',
  'Molto deluso, non lo consiglierei.',
  '',
].join('\n');

/** Writes the analysis samples into `directory`; returns their file names. */
export async function generateAnalysisSamples(directory: string): Promise<string[]> {
  const files: [string, Uint8Array | string][] = [
    ['it-results.pdf', await italianResultsPdf()],
    ['en-results.docx', await englishResultsDocx()],
    ['it-kpi.xlsx', await italianKpiXlsx()],
    ['en-kpi.csv', englishKpiCsv()],
    ['en-feedback.txt', ENGLISH_FEEDBACK],
    ['it-feedback.txt', ITALIAN_FEEDBACK],
  ];
  for (const [file, content] of files) writeFileSync(join(directory, file), content);
  return files.map(([file]) => file);
}

if (import.meta.main) {
  const directory = new URL('../samples/documents/', import.meta.url).pathname;
  console.log(`wrote ${(await generateAnalysisSamples(directory)).join(', ')} to ${directory}`);
}
