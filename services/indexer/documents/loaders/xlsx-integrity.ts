/**
 * A worksheet part whose XML stops before its closing `</worksheet>` (truncated or cut by a
 * broken tag) must fail its document as corrupt, naming the part, before any of its rows is
 * indexed: otherwise its remaining rows would vanish (exceljs's streaming reader, used before,
 * read such a part up to the break without any error). Each worksheet part is inflated as a
 * stream (only its last bytes are kept) and must end with its closing tag. The archive guard
 * has already bounded what the parts inflate to.
 */
import yauzl from 'yauzl';

/** Worksheet parts of an XLSX package: `xl/worksheets/<name>.xml`. */
const WORKSHEET_PART = /^xl\/worksheets\/[^/]+\.xml$/;
/** The root element's closing tag, with or without a namespace prefix, then only whitespace. */
const CLOSED = /<\/(?:[A-Za-z_][\w.-]*:)?worksheet\s*>\s*$/;
const TAIL_BYTES = 256;

export interface WorksheetParts {
  /** Every worksheet part of the package. */
  parts: string[];
  /** Those whose XML does not end with the closing worksheet tag. */
  incomplete: string[];
}

/** Reads the worksheet parts of the XLSX in `bytes` (a readable zip: the archive guard said so). */
export async function inspectWorksheetParts(bytes: Uint8Array): Promise<WorksheetParts> {
  const zip = await yauzl.fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    lazyEntries: true,
    decodeStrings: true,
  });
  const result: WorksheetParts = { parts: [], incomplete: [] };
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!WORKSHEET_PART.test(entry.fileName)) {
          zip.readEntry();
          return;
        }
        result.parts.push(entry.fileName);
        tail(zip, entry).then((text) => {
          if (!CLOSED.test(text)) result.incomplete.push(entry.fileName);
          zip.readEntry();
        }, reject);
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return result;
}

async function tail(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  const stream = await zip.openReadStreamPromise(entry);
  let last = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    last = Buffer.concat([last, chunk]);
    if (last.length > TAIL_BYTES) last = last.subarray(last.length - TAIL_BYTES);
  }
  return last.toString('utf8');
}
