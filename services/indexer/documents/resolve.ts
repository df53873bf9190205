/**
 * Resolves a DocumentReference's uri to a real file inside the configured document roots.
 *
 * A uri is a path relative to a root, an absolute path, or a `file:` URI. Nothing outside the
 * roots is ever read: a `..` that climbs out, an absolute path elsewhere and a symbolic link
 * that leads out each fail with their own code. Other schemes (http, https, s3, …) fail with
 * SEDANO_ERR_DOCUMENT_UNSUPPORTED: documents are not fetched over the network (yet).
 *
 * Messages reach clients (a job's result and status): they name the reference as given (cut to
 * a readable length) and never a server path, neither a root nor where a link leads; a file
 * system error (a name too long, no permission, a loop of links) becomes a document code.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SedanoError, type ErrorCode } from '../../lib/errors.ts';
import type { DocumentReference } from '../../../schemas/document-reference.ts';

/** A document reference resolved to a file inside a root. */
export interface ResolvedDocument {
  /** The reference's documentId, or the path relative to its root with `/` separators. */
  documentId: string;
  /** The reference's uri, as given (what results and failures name). */
  source: string;
  /** Real path of the file (symbolic links resolved), the one to read. */
  path: string;
  /** The configured root the document is in. */
  root: string;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * Resolves `reference.uri` inside `roots` (absolute directories). A relative path is looked up
 * in each root in order and the first root that has it wins. Throws a SedanoError with code
 * SEDANO_ERR_DOCUMENT_{UNSUPPORTED, PATH_TRAVERSAL, OUTSIDE_ROOT, SYMLINK_ESCAPE, NOT_FOUND}.
 */
export async function resolveDocument(
  reference: Pick<DocumentReference, 'documentId' | 'uri'>,
  roots: readonly string[],
): Promise<ResolvedDocument> {
  if (roots.length === 0) throw new RangeError('no document roots are configured');
  for (const root of roots) {
    if (!isAbsolute(root)) throw new RangeError(`document root "${root}" is not an absolute path`);
  }
  const uri = reference.uri;
  if (uri.trim() === '' || uri.includes('\0'))
    fail('SEDANO_ERR_DOCUMENT_NOT_FOUND', uri, 'is empty or contains a NUL byte');

  const requested = requestedPath(uri);
  const candidates = isAbsolute(requested)
    ? [lexicallyInside(uri, requested, roots)]
    : roots.map((root) => ({ root, path: insideRoot(uri, root, requested) }));

  for (const candidate of candidates) {
    if (!(await exists(candidate.path, uri))) continue;
    const realPath = await realpath(candidate.path).catch((error: unknown) => fileSystemFailure(error, uri));
    if (!(await isInsideAnyRealRoot(realPath, roots))) {
      fail(
        'SEDANO_ERR_DOCUMENT_SYMLINK_ESCAPE',
        uri,
        'is a symbolic link (or under one) that leads outside every root',
      );
    }
    const stats = await stat(realPath).catch((error: unknown) => fileSystemFailure(error, uri));
    if (!stats.isFile()) fail('SEDANO_ERR_DOCUMENT_NOT_FOUND', uri, 'is not a regular file');
    return {
      documentId: reference.documentId ?? relative(candidate.root, candidate.path).split(sep).join('/'),
      source: uri,
      path: realPath,
      root: candidate.root,
    };
  }
  return fail('SEDANO_ERR_DOCUMENT_NOT_FOUND', uri, `does not exist in the ${roots.length} document root(s)`);
}

/** The path a uri names: the uri itself, or a file: URI's path. Other schemes are refused. */
function requestedPath(uri: string): string {
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return uri;
  if (scheme !== 'file') {
    fail(
      'SEDANO_ERR_DOCUMENT_UNSUPPORTED',
      uri,
      `uses the unsupported scheme "${scheme}:"; only paths inside the document roots and file: URIs are read (no network fetch)`,
    );
  }
  // The URL parser drops `..` segments silently, so a traversal is looked for in the raw text.
  if (hasDotDotSegment(safeDecode(uri.slice('file:'.length)))) {
    fail('SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL', uri, 'contains a ".." segment');
  }
  try {
    return fileURLToPath(uri);
  } catch (error) {
    return fail('SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT', uri, `is not a local file: URI (${(error as Error).message})`);
  }
}

function lexicallyInside(uri: string, requested: string, roots: readonly string[]): { root: string; path: string } {
  const path = resolve(requested);
  const root = roots.find((candidate) => isWithin(resolve(candidate), path));
  if (root !== undefined) return { root, path };
  if (hasDotDotSegment(requested))
    fail('SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL', uri, 'climbs out of the document roots with ".."');
  return fail('SEDANO_ERR_DOCUMENT_OUTSIDE_ROOT', uri, 'is outside every document root');
}

function insideRoot(uri: string, root: string, requested: string): string {
  const path = resolve(root, requested);
  if (!isWithin(resolve(root), path))
    fail('SEDANO_ERR_DOCUMENT_PATH_TRAVERSAL', uri, 'climbs out of its document root with ".."');
  return path;
}

async function isInsideAnyRealRoot(realPath: string, roots: readonly string[]): Promise<boolean> {
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => undefined);
    if (realRoot !== undefined && isWithin(realRoot, realPath)) return true;
  }
  return false;
}

/** True when `path` is `directory` itself or below it (both absolute and normalised). */
function isWithin(directory: string, path: string): boolean {
  const rel = relative(directory, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function hasDotDotSegment(path: string): boolean {
  return path.split(/[/\\]/).includes('..');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

async function exists(path: string, uri: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
      return false;
    return fileSystemFailure(error, uri);
  }
}

/** What a file system error code means for a document, in words that name no path. */
const FILE_SYSTEM_REASONS: Record<string, [ErrorCode, string]> = {
  ENOENT: ['SEDANO_ERR_DOCUMENT_NOT_FOUND', 'does not exist'],
  ENOTDIR: ['SEDANO_ERR_DOCUMENT_NOT_FOUND', 'does not exist (a part of its path is not a directory)'],
  ENAMETOOLONG: ['SEDANO_ERR_DOCUMENT_UNREADABLE', 'has a name longer than the file system allows'],
  EACCES: ['SEDANO_ERR_DOCUMENT_UNREADABLE', 'cannot be read (no permission)'],
  EPERM: ['SEDANO_ERR_DOCUMENT_UNREADABLE', 'cannot be read (no permission)'],
  ELOOP: ['SEDANO_ERR_DOCUMENT_UNREADABLE', 'is a loop of symbolic links'],
  EISDIR: ['SEDANO_ERR_DOCUMENT_NOT_FOUND', 'is a directory, not a regular file'],
  EINVAL: ['SEDANO_ERR_DOCUMENT_UNREADABLE', 'is not a valid path'],
};

/**
 * A file system error on a document, as a document code whose message names the reference and
 * the error's code but no server path (Node's messages carry the absolute path).
 */
export function fileSystemFailure(error: unknown, uri: string): never {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
  const [errorCode, why] = FILE_SYSTEM_REASONS[code] ?? ['SEDANO_ERR_DOCUMENT_UNREADABLE', 'cannot be read'];
  return fail(errorCode, uri, `${why} (${code})`, error);
}

/** The longest part of a reference a message quotes: enough to recognise it, not a 5,000-character echo. */
const QUOTED_URI_CHARS = 200;

function quoted(uri: string): string {
  return JSON.stringify(uri.length <= QUOTED_URI_CHARS ? uri : `${uri.slice(0, QUOTED_URI_CHARS)}…`);
}

function fail(code: ErrorCode, uri: string, why: string, cause?: unknown): never {
  throw new SedanoError(code, `document ${quoted(uri)} ${why}`, { retriable: false, cause });
}
