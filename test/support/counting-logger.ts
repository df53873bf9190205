/**
 * A logger that counts its lines by message, for tests that assert what a runtime said (or
 * never said) through a fault: "job not processed; trying again", "dead-lettered: ...".
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';

export interface CountingLogger {
  logger: pino.Logger;
  /** Lines written so far, by their `msg`. */
  said: Map<string, number>;
  /** How many lines so far had a `msg` starting with `prefix`. */
  saidStartingWith(prefix: string): number;
  /** What was said so far, for a test's diagnostics: `"msg" 3x, ...`. */
  summary(): string;
}

/** Counts the lines at `level` and above (default warn). */
export function countingLogger(level: pino.Level = 'warn'): CountingLogger {
  const said = new Map<string, number>();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        const { msg } = JSON.parse(line) as { msg: string };
        said.set(msg, (said.get(msg) ?? 0) + 1);
      }
      done();
    },
  });
  return {
    logger: pino({ level }, sink),
    said,
    saidStartingWith: (prefix) =>
      [...said].reduce((sum, [message, count]) => (message.startsWith(prefix) ? sum + count : sum), 0),
    summary: () => [...said].map(([message, count]) => `"${message.slice(0, 160)}" ${count}x`).join(', '),
  };
}
