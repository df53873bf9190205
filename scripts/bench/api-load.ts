/**
 * One autocannon run in a process of its own, for `npm run bench -- api --load-process`: the
 * options come as JSON in the first argument, the result goes to stdout as JSON. Apart from the
 * servers, the load generator neither shares their CPU time nor their garbage collector
 * (docs/benchmarks.md, eighth round).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** The part of autocannon's options and result the API benchmark uses (the package has no types). */
export interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}
export interface AutocannonResult {
  requests: { average: number; total: number };
  duration: number;
  latency: { p50: number; p97_5: number; p99: number };
  non2xx: number;
  errors: number;
}
export type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

/** autocannon in this process. */
export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const THIS_FILE = new URL(import.meta.url).pathname;

/** autocannon in a child process of its own (this file run as a script). */
export const autocannonInChildProcess: Autocannon = (options) => {
  const child = spawn(process.execPath, [THIS_FILE, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // 'close' rather than 'exit': its stdout has been read to the end by then.
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`the load process exited with code ${code}`));
      else resolve(JSON.parse(output) as AutocannonResult);
    });
  });
};

if (process.argv[1] === THIS_FILE) {
  const result = await autocannon(JSON.parse(process.argv[2]!) as AutocannonOptions);
  const { requests, duration, latency, non2xx, errors } = result;
  process.stdout.write(JSON.stringify({ requests, duration, latency, non2xx, errors }));
}
