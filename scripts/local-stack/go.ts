/** Finds a Go toolchain of at least a given version among those installed. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PrerequisiteError } from './component.ts';
import { versionOf } from './commands.ts';

/** [major, minor] of `go version`'s answer (pure), e.g. "go version go1.26.8 linux/amd64" gives [1, 26]. */
export function goVersionOf(answer: string): [number, number] | undefined {
  const match = /\bgo(\d+)\.(\d+)/.exec(answer);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function candidates(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  if (env['GOROOT']) found.push(join(env['GOROOT'], 'bin', 'go'));
  found.push('go');
  // Where go.dev's archive is unpacked by its instructions; often not on a service's PATH.
  found.push('/usr/local/go/bin/go');
  // Debian's golang-1.NN packages, newest first.
  const debian = '/usr/lib';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((entry) => /^go-1\.\d+$/.test(entry));
    versions.sort((a, b) => Number(b.split('.')[1]) - Number(a.split('.')[1]));
    for (const entry of versions) found.push(join(debian, entry, 'bin', 'go'));
  }
  return found;
}

/**
 * The first Go of at least 1.`minMinor` in this order: $GOROOT, `go` on PATH, /usr/local/go
 * (go.dev's install), then /usr/lib/go-1.* (Debian's packages). Returns the path to run.
 */
export function findGo(minMinor: number, purpose: string, env: NodeJS.ProcessEnv = process.env): string {
  const seen: string[] = [];
  for (const go of candidates(env)) {
    const version = goVersionOf(versionOf(go, ['version']) ?? '');
    if (version === undefined) continue;
    const [major, minor] = version;
    if (major > 1 || (major === 1 && minor >= minMinor)) return go;
    seen.push(`${go} (${major}.${minor})`);
  }
  const found = seen.length > 0 ? `found only ${seen.join(', ')}` : 'found none';
  throw new PrerequisiteError(
    `${purpose} needs Go 1.${minMinor} or newer and ${found}: install one (https://go.dev/dl into /usr/local/go, or Debian's golang-1.${minMinor}) or set GOROOT`,
  );
}
