import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { autocannonInChildProcess } from '../../../../scripts/bench/api-load.ts';
import { combinedFigures, formatAllocations, formatApiTable, parseApiOptions } from '../../../../scripts/bench/api.ts';

const round = (total: number, duration: number, p50: number, failures = 0) => ({
  requests: { average: total / duration, total },
  duration,
  latency: { p50, p97_5: p50 * 2, p99: p50 * 3 },
  non2xx: failures,
  errors: 0,
});

test('a target over its rounds: requests per second over all of them, percentiles the rounds median', () => {
  const figures = combinedFigures('GET', [round(20_000, 2, 1), round(10_000, 2, 4), round(30_000, 2, 2, 3)]);
  assert.equal(figures.requestsPerSecond, 10_000);
  assert.equal(figures.p50Ms, 2);
  assert.equal(figures.p97_5Ms, 4);
  assert.equal(figures.p99Ms, 6);
  assert.equal(figures.failures, 3);
  assert.equal(
    combinedFigures('GET', [round(1, 1, 1), round(1, 1, 3)]).p50Ms,
    2,
    'an even count: the mean of the middle two',
  );
});

test('the options: rounds default to 5 and must be a whole number above 0', () => {
  assert.equal(parseApiOptions([]).rounds, 5);
  assert.equal(parseApiOptions(['--rounds', '3']).rounds, 3);
  assert.throws(() => parseApiOptions(['--rounds', '0']), /--rounds/);
});

test('--load-process: off by default', () => {
  assert.equal(parseApiOptions([]).loadProcess, false);
  assert.equal(parseApiOptions(['--load-process']).loadProcess, true);
});

test('--allocations: off by default, and not with --json, whose output is the rows alone', () => {
  assert.equal(parseApiOptions([]).allocations, false);
  assert.equal(parseApiOptions(['--allocations']).allocations, true);
  assert.throws(() => parseApiOptions(['--allocations', '--json']), /--allocations .* --json/);
});

test("--allocations' lines: bytes per request of each side, then the GET's largest allocating functions", () => {
  const side = (perRequest: number, requests: number, sites: { site: string; bytes: number }[] = []) => ({
    perRequest,
    requests,
    sites,
  });
  const sites = Array.from({ length: 14 }, (_, i) => ({ site: `f${i} (a.ts:${i + 1})`, bytes: (14 - i) * 1_000 }));
  const lines = formatAllocations({
    get: side(13_877.4, 10, sites),
    hello: side(7_260, 10),
    helloWithReply: side(8_376.5, 10),
  }).split('\n');
  assert.match(lines[0]!, /GET 13,877, hello-world 7,260, with the GET's reply 8,377$/);
  assert.equal(lines.length, 2 + 12, 'the twelve largest functions');
  assert.equal(lines[2], '   1,400  f0 (a.ts:1)');
  assert.equal(lines.at(-1), '     300  f11 (a.ts:12)');
});

test('the load process runs autocannon against a server of this process and hands back its result', async () => {
  let answered = 0;
  const server = createServer((request, response) => {
    answered += 1;
    // A 400 without the header: the options' headers reach the requests.
    response.statusCode = request.headers['x-probe'] === 'yes' ? 200 : 400;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const result = await autocannonInChildProcess({
      url: `http://127.0.0.1:${port}/`,
      connections: 2,
      duration: 1,
      headers: { 'x-probe': 'yes' },
    });
    assert.ok(result.requests.total > 0, 'requests were made');
    // The load process stops counting at its deadline, with some requests still in flight.
    assert.ok(answered >= result.requests.total, 'each counted request was answered by this process');
    assert.equal(result.non2xx + result.errors, 0, 'every request carried the header');
  } finally {
    server.close();
  }
});

test('the ratio row: a latency of 0 ms on hello-world gives no ratio rather than Infinity', () => {
  const row = (target: string, requestsPerSecond: number, p50Ms: number) => ({
    target,
    requestsPerSecond,
    p50Ms,
    p97_5Ms: 2,
    p99Ms: 4,
    failures: 0,
  });
  const [get, hello] = [row('GET', 300, 1), row('hello', 400, 0)];
  const table = formatApiTable([get, hello], [{ label: 'gateway/hello-world', of: get, to: hello }]);
  const ratios = table.split('\n').at(-1)!.split(/ +/);
  assert.deepEqual(ratios, ['gateway/hello-world', '0.75x', '-', '1.00x', '1.00x']);
});

test('the table: a row per target, then a row per ratio asked for, in that order', () => {
  const row = (target: string, requestsPerSecond: number) => ({
    target,
    requestsPerSecond,
    p50Ms: 1,
    p97_5Ms: 2,
    p99Ms: 4,
    failures: 0,
  });
  const [get, hello, sameReply] = [row('GET', 300), row('hello', 400), row('hello, same reply', 360)];
  const lines = formatApiTable(
    [get, hello, sameReply],
    [
      { label: 'gateway/hello-world', of: get, to: hello },
      { label: 'gateway/same reply', of: get, to: sameReply },
    ],
  ).split('\n');
  const cells = lines.filter((_, index) => index !== 1).map((line) => line.split(/  +/));
  assert.deepEqual(
    cells.map((line) => line[0]),
    ['target', 'GET', 'hello', 'hello, same reply', 'gateway/hello-world', 'gateway/same reply'],
  );
  assert.deepEqual(
    cells.slice(-2).map((line) => line[1]),
    ['0.75x', '0.83x'],
  );
});
