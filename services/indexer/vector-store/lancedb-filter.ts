/**
 * SQL `WHERE` clauses for LanceDB (DataFusion SQL). Every value is a single-quoted string
 * literal with its quotes doubled, the only escape DataFusion's literals know (a backslash is
 * an ordinary character), so no metadata value or document id can change a clause's meaning.
 * Pure: no I/O.
 */
import { metadataEntry } from './chunk-checks.ts';
import type { SearchFilter } from './port.ts';

/** `value` as an SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function documentWhere(documentId: string): string {
  return `document_id = ${sqlString(documentId)}`;
}

/** The chunks of `documentId` whose position is in [from, from + limit). */
export function documentWindowWhere(documentId: string, fromPosition: number, limit: number): string {
  // Both are checked whole numbers (chunk-checks.ts), so they go into the clause as digits.
  return `${documentWhere(documentId)} AND position >= ${fromPosition} AND position < ${fromPosition + limit}`;
}

/** The chunks of `documentId` among `ids`. */
export function documentChunksWhere(documentId: string, ids: readonly string[]): string {
  return `${documentWhere(documentId)} AND id IN (${ids.map(sqlString).join(', ')})`;
}

/** The clause for a search filter, or undefined when it filters nothing. */
export function searchWhere(filter: SearchFilter | undefined): string | undefined {
  if (!filter) return undefined;
  const conditions: string[] = [];
  if (filter.documentId !== undefined) conditions.push(documentWhere(filter.documentId));
  if (filter.source !== undefined) conditions.push(`source = ${sqlString(filter.source)}`);
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    conditions.push(`array_has(metadata_entries, ${sqlString(metadataEntry(key, value))})`);
  }
  return conditions.length === 0 ? undefined : conditions.join(' AND ');
}
