/**
 * `ctl exports get <job-id> [-o file.pdf]`: downloads the PDF an export job rendered through
 * the gateway (`GET /v1/exports/:jobId`), to a temporary file renamed once complete, and
 * checks its SHA-256 against the ETag the gateway sent (the checksum in the job's result).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { CtlAction } from './command-context.ts';
import { gatewayErrorMessage, resolveGatewayTarget, withGatewayOptions } from './gateway-client.ts';
import { CtlError, UsageError } from './output.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The checksum in an ETag header (`"<sha256>"`), or undefined (pure). */
export function etagChecksum(etag: string | null): string | undefined {
  const match = /^(?:W\/)?"([0-9a-f]{64})"$/.exec(etag?.trim() ?? '');
  return match?.[1];
}

/** Where the file goes: `--output` against `cwd`, else `<job-id>.pdf` in `cwd` (pure). */
export function downloadPath(jobId: string, output: unknown, cwd: string): string {
  return typeof output === 'string' && output !== '' ? resolve(cwd, output) : join(cwd, `${jobId}.pdf`);
}

export function registerExports(program: Command, run: CtlAction): void {
  const exports = program.command('exports').description('download exported reports (through the gateway)');
  withGatewayOptions(
    exports
      .command('get')
      .description('downloads the PDF of a succeeded export job')
      .argument('<job-id>')
      .option('-o, --output <file>', 'where to write it (default: <job-id>.pdf here)'),
  ).action(
    run(async ({ out, options, env, cwd }, id: string) => {
      if (!UUID.test(id)) throw new UsageError(`not a job id (a UUID): "${id}"`);
      const target = resolveGatewayTarget(options, env);
      const path = downloadPath(id.toLowerCase(), options['output'], cwd);
      let response: Response;
      try {
        response = await fetch(`${target.url}/v1/exports/${id.toLowerCase()}`, {
          headers: { authorization: `Bearer ${target.token}` },
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new CtlError(`the gateway at ${target.url} did not answer (${cause}); is it running? (\`ctl up\`)`);
      }
      if (!response.ok || response.body === null) {
        const body: unknown = await response.json().catch(() => null);
        throw new CtlError(gatewayErrorMessage(response.status, body));
      }
      await mkdir(dirname(path), { recursive: true });
      const partial = join(dirname(path), `.${id}.pdf.partial`);
      const hash = createHash('sha256');
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(Readable.fromWeb(response.body), counter, createWriteStream(partial));
        const sha256 = hash.digest('hex');
        const expected = etagChecksum(response.headers.get('etag'));
        if (expected !== undefined && expected !== sha256) {
          throw new CtlError(`the download's SHA-256 ${sha256} differs from the job's ${expected}`);
        }
        await rename(partial, path);
        if (out.json) out.data({ jobId: id, path, sizeBytes: bytes, sha256 });
        else out.line(`written ${path} (${bytes} bytes, sha256 ${sha256})`);
      } finally {
        await rm(partial, { force: true });
      }
    }),
  );
}
