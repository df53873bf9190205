/**
 * `node scripts/generate-samples.ts`
 *
 * Writes the sample corpus of samples/documents/: one English and one Italian document in
 * every format the indexing stage loads (PDF, DOCX, XLSX, CSV, Markdown, HTML, plain text),
 * each holding one distinctive sentence at a known place (page, sheet and row, heading), and
 * manifest.json saying where. The loader tests read the manifest; regenerate after changing
 * SAMPLES. Binary formats are written with pdf-lib, docx and exceljs, not by hand.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { generateAnalysisSamples } from './generate-analysis-samples.ts';

export const SAMPLES_DIR = new URL('../samples/documents/', import.meta.url).pathname;

type Language = 'en' | 'it';

/** Where a sample's sentence is, as the loader tests check it. */
export interface SampleExpectation {
  file: string;
  language: Language;
  format: 'pdf' | 'docx' | 'xlsx' | 'csv' | 'markdown' | 'html' | 'text';
  sentence: string;
  page?: number;
  sheet?: string;
  /** A row the sentence is on (the section's row range contains it). */
  row?: number;
  heading?: string;
}

interface LanguageText {
  title: string;
  filler: string[];
  headings: [string, string];
  sheets: [string, string];
  sentences: Record<SampleExpectation['format'], string>;
}

const TEXT: Record<Language, LanguageText> = {
  en: {
    title: 'Sedano sample document',
    filler: [
      'This sample exists so the indexing stage has something real to read.',
      'Quarterly figures, meeting notes and travel logs share this corpus.',
      'Nothing in this paragraph is meant to be found by a search.',
    ],
    headings: ['Overview', 'Field notes'],
    sheets: ['Summary', 'Inventory'],
    sentences: {
      pdf: 'The harbour pilot logged seventeen blue freighters before noon.',
      docx: 'Our orchard in Kent shipped nine hundred crates of russet apples.',
      xlsx: 'Warehouse Delta reported a copper shortage in the third quarter.',
      csv: 'The night ferry to Dover carried twelve violinists and a tortoise.',
      markdown: 'The observatory cat sleeps beside the brass telescope every Tuesday.',
      html: 'Lantern festival tickets sold out within eleven minutes.',
      text: 'A retired cartographer mapped every fountain in the old town.',
    },
  },
  it: {
    title: 'Documento di esempio di Sedano',
    filler: [
      'Questo esempio esiste perché la fase di indicizzazione abbia qualcosa di reale da leggere.',
      'Dati trimestrali, verbali di riunione e diari di viaggio condividono questo corpus.',
      'Niente in questo paragrafo deve essere trovato da una ricerca.',
    ],
    headings: ['Panoramica', 'Note di campo'],
    sheets: ['Riepilogo', 'Magazzino'],
    sentences: {
      pdf: 'Il pilota del porto ha contato diciassette navi blu prima di mezzogiorno.',
      docx: 'Il nostro frutteto in Toscana ha spedito novecento casse di mele rosse.',
      xlsx: 'Il magazzino Delta ha segnalato una carenza di rame nel terzo trimestre.',
      csv: 'Il traghetto notturno per Olbia portava dodici violinisti e una tartaruga.',
      markdown: "Il gatto dell'osservatorio dorme accanto al telescopio di ottone ogni martedì.",
      html: 'I biglietti per la festa delle lanterne sono finiti in undici minuti.',
      text: 'Un cartografo in pensione ha mappato ogni fontana della città vecchia.',
    },
  },
};

const FIXED_DATE = new Date('2025-01-01T00:00:00Z');

async function pdf(text: LanguageText): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setCreationDate(FIXED_DATE);
  document.setModificationDate(FIXED_DATE);
  document.setTitle(text.title);
  const font = await document.embedFont(StandardFonts.Helvetica);
  const pages = [
    [text.title, ...text.filler],
    [text.headings[1], text.sentences.pdf, text.filler[0] ?? ''],
    text.filler,
  ];
  for (const lines of pages) {
    const page = document.addPage([595, 842]);
    lines.forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 24, size: 12, font }));
  }
  return document.save({ useObjectStreams: false });
}

async function docx(text: LanguageText): Promise<Uint8Array> {
  const document = new Document({
    creator: 'sedano',
    title: text.title,
    sections: [
      {
        children: [
          new Paragraph({ text: text.headings[0], heading: HeadingLevel.HEADING_1 }),
          ...text.filler.map((line) => new Paragraph(line)),
          new Paragraph({ text: text.headings[1], heading: HeadingLevel.HEADING_2 }),
          new Paragraph(text.sentences.docx),
          new Paragraph(text.filler[2] ?? ''),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

async function xlsx(text: LanguageText): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  const summary = workbook.addWorksheet(text.sheets[0]);
  summary.addRow(['Item', 'Q1', 'Q2', 'Q3']);
  summary.addRow(['Revenue', 120, 135, { formula: 'C2*1.1', result: 148.5 }]);
  const inventory = workbook.addWorksheet(text.sheets[1]);
  inventory.addRow(['Code', 'Note']);
  for (let row = 2; row <= 10; row += 1) {
    inventory.addRow([`W-${row}`, row === 5 ? text.sentences.xlsx : (text.filler[row % 3] ?? '')]);
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function csv(text: LanguageText): string {
  const rows = [['id', 'note']];
  for (let row = 2; row <= 10; row += 1)
    rows.push([String(row), row === 7 ? text.sentences.csv : (text.filler[row % 3] ?? '')]);
  return rows.map((cells) => cells.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(',')).join('\n') + '\n';
}

function markdown(text: LanguageText): string {
  return [
    `# ${text.headings[0]}`,
    '',
    text.filler.join(' '),
    '',
    `## ${text.headings[1]}`,
    '',
    `${text.sentences.markdown} ${text.filler[2] ?? ''}`,
    '',
    '| a | b |',
    '| - | - |',
    '| 1 | 2 |',
    '',
  ].join('\n');
}

function html(text: LanguageText, language: Language): string {
  return `<!doctype html>
<html lang="${language}">
<head><title>${text.title}</title><style>body { color: black; } /* stylesheetdecoy */</style></head>
<body>
<script>const scriptdecoy = 'never indexed';</script>
<h1>${text.headings[0]}</h1>
<p>${text.filler.join('</p>\n<p>')}</p>
<h2>${text.headings[1]}</h2>
<p>${text.sentences.html}</p>
<ul><li>${text.filler[0] ?? ''}</li></ul>
</body>
</html>
`;
}

function plainText(text: LanguageText): string {
  return [text.title, '', text.filler.join(' '), '', text.sentences.text, ''].join('\n');
}

/** Writes every sample and the manifest into `directory`. */
export async function generateSamples(directory = SAMPLES_DIR): Promise<SampleExpectation[]> {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const manifest: SampleExpectation[] = [];
  for (const language of ['en', 'it'] as const) {
    const text = TEXT[language];
    const files: [SampleExpectation, Uint8Array | string][] = [
      [
        { file: `${language}-report.pdf`, language, format: 'pdf', sentence: text.sentences.pdf, page: 2 },
        await pdf(text),
      ],
      [
        {
          file: `${language}-memo.docx`,
          language,
          format: 'docx',
          sentence: text.sentences.docx,
          heading: text.headings[1],
        },
        await docx(text),
      ],
      [
        {
          file: `${language}-ledger.xlsx`,
          language,
          format: 'xlsx',
          sentence: text.sentences.xlsx,
          sheet: text.sheets[1],
          row: 5,
        },
        await xlsx(text),
      ],
      [{ file: `${language}-log.csv`, language, format: 'csv', sentence: text.sentences.csv, row: 7 }, csv(text)],
      [
        {
          file: `${language}-notes.md`,
          language,
          format: 'markdown',
          sentence: text.sentences.markdown,
          heading: text.headings[1],
        },
        markdown(text),
      ],
      [
        {
          file: `${language}-page.html`,
          language,
          format: 'html',
          sentence: text.sentences.html,
          heading: text.headings[1],
        },
        html(text, language),
      ],
      [{ file: `${language}-letter.txt`, language, format: 'text', sentence: text.sentences.text }, plainText(text)],
    ];
    for (const [expectation, content] of files) {
      writeFileSync(join(directory, expectation.file), content);
      manifest.push(expectation);
    }
  }
  writeFileSync(join(directory, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  // The analysis stage's samples (financial results, KPI tables, feedback): not in the manifest.
  await generateAnalysisSamples(directory);
  return manifest;
}

if (import.meta.main) {
  const manifest = await generateSamples();
  console.log(`wrote ${manifest.length} samples and manifest.json to ${SAMPLES_DIR}`);
}
