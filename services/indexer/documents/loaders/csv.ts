/** CSV loader (csv-parse, streaming): rows grouped into sections with their 1-based row range. */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { DocumentSection } from '../document-section.ts';
import type { DocumentLimits } from '../limits.ts';
import { decodeText } from './decode-text.ts';
import { RowGrouper } from './rows.ts';

/** Yields the rows of a CSV document in groups; the delimiter (, ; tab) is detected by csv-parse. */
export async function* loadCsv(bytes: Uint8Array, limits: DocumentLimits): AsyncGenerator<DocumentSection> {
  const parser = Readable.from([decodeText(bytes)]).pipe(
    parse({ delimiter: [',', ';', '\t'], relax_column_count: true, skip_empty_lines: true, bom: true, info: true }),
  );
  const grouper = new RowGrouper(undefined, { cells: 0, max: limits.maxSheetCells });
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const section = grouper.add({ number: info.lines, cells: record });
    if (section) yield section;
  }
  const last = grouper.flush();
  if (last) yield last;
}
