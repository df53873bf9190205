/**
 * `node test/unit/services/indexer/documents/measure-pdf-memory.ts [pages] [maxOldGenerationSizeMb]`
 *
 * Measures the PDF loader's memory, not part of the suite: generates a PDF of `pages` pages
 * (default 500), then reads it with loadDocument in a worker thread whose old generation is
 * capped at `maxOldGenerationSizeMb` (default 48), the way the stage runtime runs parsers.
 * Prints heap and RSS figures; exits 1 if the worker ran out of memory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { resolveDocumentLimits } from '../../../../../services/indexer/documents/limits.ts';
import { loadDocument } from '../../../../../services/indexer/documents/load-document.ts';
import { longPdf } from './fixtures.ts';

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

if (isMainThread) {
  const pages = Number(process.argv[2] ?? 500);
  const limitMb = Number(process.argv[3] ?? 48);
  const dir = mkdtempSync(join(tmpdir(), 'sedano-pdf-memory-'));
  try {
    const path = join(dir, 'long.pdf');
    const bytes = await longPdf(pages);
    writeFileSync(path, bytes);
    console.log(`${pages}-page PDF, ${bytes.byteLength} bytes; worker maxOldGenerationSizeMb ${limitMb}`);
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { path },
      resourceLimits: { maxOldGenerationSizeMb: limitMb },
    });
    worker.on('message', (line: string) => console.log(line));
    const code = await new Promise<number>((resolve) => {
      worker.on('error', (error: Error) => {
        console.log(`worker failed: ${error.message}`);
      });
      worker.on('exit', resolve);
    });
    process.exitCode = code === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  const { parentPort } = await import('node:worker_threads');
  const report = (line: string): void => parentPort?.postMessage(line);
  const start = process.memoryUsage();
  const document = await loadDocument((workerData as { path: string }).path, null, resolveDocumentLimits());
  let pages = 0;
  let peakHeap = 0;
  for await (const section of document.sections) {
    pages += section.page === undefined ? 0 : 1;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (pages % 100 === 0) report(`page ${pages}: heapUsed ${mib(process.memoryUsage().heapUsed)}`);
  }
  report(
    `read ${pages} pages; heapUsed at start ${mib(start.heapUsed)}, peak ${mib(peakHeap)}; process rss ${mib(process.memoryUsage().rss)}`,
  );
}
