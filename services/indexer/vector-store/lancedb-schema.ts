/**
 * How a collection is laid out in LanceDB: one table per collection, one row per chunk, the
 * embedder and dimension in the table's schema metadata (durable with the table, copied with
 * it into a snapshot, no side table to keep in step). Columns are snake_case so SQL filters
 * need no quoting. Pure: no I/O.
 */
import { Field, FixedSizeList, Float32, Int32, List, Schema, Utf8 } from 'apache-arrow';
import { metadataEntries } from './chunk-checks.ts';
import type { ChunkRecord, CollectionSpec, StoredChunk } from './port.ts';

const EMBEDDER_KEY = 'sedano.embedder';
const DIMENSION_KEY = 'sedano.dimension';

/** The columns a search returns (all but the vector). */
export const STORED_COLUMNS = [
  'id',
  'document_id',
  'document_hash',
  'source',
  'text',
  'page',
  'sheet',
  'row_from',
  'row_to',
  'heading',
  'position',
  'content_hash',
  'metadata_json',
] as const;

export function collectionSchema(spec: CollectionSpec): Schema {
  const text = (name: string, nullable = false) => new Field(name, new Utf8(), nullable);
  const integer = (name: string, nullable: boolean) => new Field(name, new Int32(), nullable);
  return new Schema(
    [
      text('id'),
      text('document_id'),
      text('document_hash'),
      text('source'),
      text('text'),
      new Field('vector', new FixedSizeList(spec.dimension, new Field('item', new Float32(), true)), false),
      integer('page', true),
      text('sheet', true),
      integer('row_from', true),
      integer('row_to', true),
      text('heading', true),
      integer('position', false),
      text('content_hash'),
      // The metadata as given, returned by search; the entries list is what filters match.
      text('metadata_json'),
      new Field('metadata_entries', new List(new Field('item', new Utf8(), true)), false),
    ],
    new Map([
      [EMBEDDER_KEY, spec.embedder],
      [DIMENSION_KEY, String(spec.dimension)],
    ]),
  );
}

/** The embedder and dimension a table's schema records, or undefined if it records none. */
export function specOfSchema(name: string, metadata: ReadonlyMap<string, string>): CollectionSpec | undefined {
  const embedder = metadata.get(EMBEDDER_KEY);
  const dimension = Number(metadata.get(DIMENSION_KEY));
  if (embedder === undefined || !Number.isInteger(dimension)) return undefined;
  return { name, embedder, dimension };
}

/** Lance's field metadata key that marks the (unenforced) primary key. */
const PRIMARY_KEY_PREFIX = 'lance-schema:unenforced-primary-key';

/** True when the table declares `id` its primary key (see lancedb.ts, concurrent deliveries). */
export function hasPrimaryKey(schema: Schema): boolean {
  const id = schema.fields.find((field) => field.name === 'id');
  return [...(id?.metadata.keys() ?? [])].some((key) => key.startsWith(PRIMARY_KEY_PREFIX));
}

export type ChunkRow = Record<string, unknown>;

export function chunkRow(chunk: ChunkRecord): ChunkRow {
  return {
    id: chunk.id,
    document_id: chunk.documentId,
    document_hash: chunk.documentHash,
    source: chunk.source,
    text: chunk.text,
    vector: Array.from(chunk.vector),
    page: chunk.page,
    sheet: chunk.sheet,
    row_from: chunk.rowFrom,
    row_to: chunk.rowTo,
    heading: chunk.heading,
    position: chunk.position,
    content_hash: chunk.contentHash,
    metadata_json: JSON.stringify(chunk.metadata),
    metadata_entries: metadataEntries(chunk.metadata),
  };
}

const nullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const nullableString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A row read back (only the STORED_COLUMNS) as a chunk without its vector. */
export function storedChunkOfRow(row: ChunkRow): StoredChunk {
  return {
    id: String(row['id']),
    documentId: String(row['document_id']),
    documentHash: String(row['document_hash']),
    source: String(row['source']),
    text: String(row['text']),
    page: nullableNumber(row['page']),
    sheet: nullableString(row['sheet']),
    rowFrom: nullableNumber(row['row_from']),
    rowTo: nullableNumber(row['row_to']),
    heading: nullableString(row['heading']),
    position: Number(row['position']),
    contentHash: String(row['content_hash']),
    metadata: JSON.parse(String(row['metadata_json'])) as Record<string, string>,
  };
}
