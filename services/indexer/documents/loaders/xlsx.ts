/**
 * XLSX loader: rows read one at a time, grouped into sections with the sheet name and 1-based
 * row range. Formulas give their cached result, rich text its plain text, a number in a date
 * style its date (`2024-03-31`). The archive guard has checked the zip first.
 *
 * The package is read in place (yauzl, random access on the bytes): the workbook's sheets and
 * relationships, the shared strings and the styles that show dates, then each worksheet part
 * inflated as a stream and parsed by the SAX readers of xlsx-xml.ts, in the workbook's sheet
 * order (worksheet parts no sheet names follow, unnamed). Every worksheet part must first end with its closing tag
 * (xlsx-integrity.ts), so a worksheet whose XML breaks off fails the document as corrupt
 * rather than being indexed with rows silently missing; malformed XML fails it too.
 *
 * exceljs's streaming reader did this before; it built an object per SAX event, row and cell
 * (about 5 MiB per workbook of the benchmark promoted to the old generation, against well under
 * 1 MiB here), which made each indexing thread run several more full collections.
 */
import { posix } from 'node:path';
import yauzl from 'yauzl';
import { SedanoError } from '../../../lib/errors.ts';
import type { DocumentSection } from '../document-section.ts';
import type { DocumentLimits } from '../limits.ts';
import { RowGrouper } from './rows.ts';
import { inspectWorksheetParts } from './xlsx-integrity.ts';
import {
  RelationshipsReader,
  SharedStringsReader,
  StylesReader,
  WorkbookReader,
  type WorkbookContext,
  WorksheetRowsReader,
  type Relationship,
} from './xlsx-xml.ts';

const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELATIONSHIPS = 'xl/_rels/workbook.xml.rels';
const DEFAULT_SHARED_STRINGS = 'xl/sharedStrings.xml';
const DEFAULT_STYLES = 'xl/styles.xml';
const WORKSHEET_PART = /^xl\/worksheets\/[^/]+\.xml$/;

/** Yields the rows of every sheet of an XLSX workbook, in groups. */
export async function* loadXlsx(bytes: Uint8Array, limits: DocumentLimits): AsyncGenerator<DocumentSection> {
  const worksheets = await inspectWorksheetParts(bytes);
  if (worksheets.incomplete.length > 0) {
    throw corrupt(`the XML of ${worksheets.incomplete.join(', ')} breaks off before its end`);
  }
  const zip = await yauzl.fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    lazyEntries: true,
    decodeStrings: true,
  });
  try {
    const entries = await entriesOf(zip);
    const relationships = await readPart(zip, entries.get(WORKBOOK_RELATIONSHIPS), new RelationshipsReader());
    const workbook = await readPart(zip, entries.get(WORKBOOK), new WorkbookReader());
    if (workbook === undefined) throw corrupt(`the package has no ${WORKBOOK}`);
    const related = relationships?.relationships ?? [];
    const targets = new Map(related.map((each) => [each.id, each] as const));
    const shared = await readPart(
      zip,
      entries.get(relatedPart(related, '/sharedStrings', DEFAULT_SHARED_STRINGS)),
      new SharedStringsReader(),
    );
    const styles = await readPart(
      zip,
      entries.get(relatedPart(related, '/styles', DEFAULT_STYLES)),
      new StylesReader(),
    );
    const context: WorkbookContext = {
      sharedStrings: shared?.strings ?? [],
      dateStyles: styles?.dateStyles ?? new Map(),
      date1904: workbook.date1904,
    };
    const sheets = sheetParts(workbook.sheets, targets, [...entries.keys()]);
    const cellCounter = { cells: 0, max: limits.maxSheetCells };
    for (const sheet of sheets) {
      const entry = entries.get(sheet.path);
      if (entry === undefined) continue;
      const grouper = new RowGrouper(sheet.name, cellCounter);
      const rows = new WorksheetRowsReader(context);
      for await (const text of partText(zip, entry)) {
        rows.write(text);
        for (const row of rows.take()) {
          const section = grouper.add(row);
          if (section) yield section;
        }
      }
      rows.end();
      for (const row of rows.take()) {
        const section = grouper.add(row);
        if (section) yield section;
      }
      const last = grouper.flush();
      if (last) yield last;
    }
  } finally {
    zip.close();
  }
}

/** The worksheet parts to read: the workbook's sheets in order, then any part no sheet names. */
function sheetParts(
  sheets: readonly { name: string; relationshipId: string }[],
  targets: ReadonlyMap<string, Relationship>,
  entryNames: readonly string[],
): { name: string | undefined; path: string }[] {
  const parts: { name: string | undefined; path: string }[] = [];
  for (const sheet of sheets) {
    const target = targets.get(sheet.relationshipId);
    // Chart sheets, dialog sheets and macro sheets hold no cells.
    if (target === undefined || !target.type.endsWith('/worksheet')) continue;
    parts.push({ name: sheet.name, path: partPath(target.target) });
  }
  const named = new Set(parts.map((part) => part.path));
  for (const name of entryNames)
    if (WORKSHEET_PART.test(name) && !named.has(name)) parts.push({ name: undefined, path: name });
  return parts;
}

/** The package path of the workbook's part of relationship type `typeSuffix`, or `fallback`. */
function relatedPart(related: readonly Relationship[], typeSuffix: string, fallback: string): string {
  const target = related.find((each) => each.type.endsWith(typeSuffix))?.target;
  return target === undefined ? fallback : partPath(target);
}

/** A workbook relationship's target as a package path: relative to `xl/`, or absolute from the root. */
function partPath(target: string): string {
  return target.startsWith('/') ? posix.normalize(target.slice(1)) : posix.join('xl', target);
}

async function entriesOf(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}

/** The part's text, decoded as UTF-8 chunk by chunk as it inflates. */
async function* partText(zip: yauzl.ZipFile, entry: yauzl.Entry): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of (await zip.openReadStreamPromise(entry)) as AsyncIterable<Buffer>) {
    yield decoder.decode(chunk, { stream: true });
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** Feeds a whole part to `reader`; undefined when the package has no such part. */
async function readPart<R extends { write(text: string): void; end(): void }>(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry | undefined,
  reader: R,
): Promise<R | undefined> {
  if (entry === undefined) return undefined;
  for await (const text of partText(zip, entry)) reader.write(text);
  reader.end();
  return reader;
}

function corrupt(why: string): SedanoError {
  return new SedanoError('SEDANO_ERR_DOCUMENT_CORRUPT', `the XLSX is damaged: ${why}`, { retriable: false });
}
