/**
 * Which loader reads a document: from its declared content type, else its file extension,
 * else its first bytes. Pure. A declared type that the bytes contradict (a ".pdf" that is not
 * a PDF) is a corrupt document, not a silent guess.
 */
import { extname } from 'node:path';
import { SedanoError } from '../../lib/errors.ts';
import { looksLikeText } from './loaders/decode-text.ts';

export type DocumentFormat = 'pdf' | 'docx' | 'xlsx' | 'csv' | 'markdown' | 'html' | 'text';

const CONTENT_TYPES: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'text',
};

const EXTENSIONS: Record<string, DocumentFormat> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.xlsx': 'xlsx',
  '.csv': 'csv',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.txt': 'text',
  '.text': 'text',
};

/** Content types that say nothing about the format; the extension and bytes decide instead. */
const UNINFORMATIVE_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', '']);

const PDF_MAGIC = '%PDF-';
const ZIP_MAGIC = 'PK\u0003\u0004';

/**
 * The format of the document at `path` with first bytes `head`, declared `contentType`
 * (parameters such as `; charset=` ignored); `zip` when only the bytes tell, and they say zip
 * (`officeFormat` decides from the entries). Throws SEDANO_ERR_DOCUMENT_UNSUPPORTED for a
 * format no loader reads, SEDANO_ERR_DOCUMENT_CORRUPT when the bytes contradict the format.
 */
export function detectFormat(path: string, contentType: string | null, head: Uint8Array): DocumentFormat | 'zip' {
  const declared = declaredFormat(path, contentType);
  const sniffed = sniffFormat(head);
  if (declared === undefined) {
    if (sniffed === undefined) {
      throw new SedanoError(
        'SEDANO_ERR_DOCUMENT_UNSUPPORTED',
        `unsupported document format${contentType ? ` (${contentType})` : ''}: supported are PDF, DOCX, XLSX, CSV, Markdown, HTML and plain text`,
        { retriable: false },
      );
    }
    return sniffed === 'text' ? textFormat(head) : sniffed;
  }
  const binary = declared === 'pdf' || declared === 'docx' || declared === 'xlsx';
  if (binary && sniffed !== (declared === 'pdf' ? 'pdf' : 'zip')) {
    throw corrupt(`declared ${declared.toUpperCase()}, but the file does not start like one`);
  }
  if (!binary && !looksLikeText(head)) throw corrupt(`declared ${declared}, but the file holds binary content`);
  return declared;
}

function declaredFormat(path: string, contentType: string | null): DocumentFormat | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!UNINFORMATIVE_TYPES.has(type)) {
    const format = CONTENT_TYPES[type];
    if (format === undefined) {
      throw new SedanoError('SEDANO_ERR_DOCUMENT_UNSUPPORTED', `unsupported content type "${contentType}"`, {
        retriable: false,
      });
    }
    return format;
  }
  const extension = extname(path).toLowerCase();
  return EXTENSIONS[extension];
}

/** What the first bytes say: pdf, zip (DOCX or XLSX, told apart by the archive's entries), text. */
function sniffFormat(head: Uint8Array): 'pdf' | 'zip' | 'text' | undefined {
  const start = Buffer.from(head.subarray(0, 1024)).toString('latin1');
  if (start.startsWith(PDF_MAGIC)) return 'pdf';
  if (start.startsWith(ZIP_MAGIC)) return 'zip';
  if (head.length > 0 && looksLikeText(head)) return 'text';
  return undefined;
}

/** HTML when the text starts like an HTML page, plain text otherwise. */
function textFormat(head: Uint8Array): 'html' | 'text' {
  const start = new TextDecoder().decode(head.subarray(0, 1024)).trimStart().toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html') ? 'html' : 'text';
}

/** DOCX or XLSX from the names of a zip's entries; undefined for any other zip. */
export function officeFormat(entryNames: readonly string[]): 'docx' | 'xlsx' | undefined {
  if (entryNames.includes('word/document.xml')) return 'docx';
  if (entryNames.includes('xl/workbook.xml')) return 'xlsx';
  return undefined;
}

function corrupt(why: string): SedanoError {
  return new SedanoError('SEDANO_ERR_DOCUMENT_CORRUPT', why, { retriable: false });
}
