import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  allocationSites,
  type SampledNode,
  withAllocationProfile,
} from '../../../../scripts/bench/allocation-profile.ts';

const repository = new URL('../../../../', import.meta.url);
const node = (
  functionName: string,
  url: string,
  lineNumber: number,
  selfSize: number,
  children: SampledNode[] = [],
) => ({
  callFrame: { functionName, url, lineNumber },
  selfSize,
  children,
});

test("a profile's bytes by allocating function, wherever it was called from, largest first", () => {
  const own = new URL('services/gateway/routes/jobs.ts', repository).href;
  const fastify = pathToFileURL('/somewhere/node_modules/fastify/lib/reply.js').href;
  const head = node('(root)', '', -1, 0, [
    node('handler', own, 290, 100, [node('send', fastify, 155, 30)]),
    node('other', own, 10, 0, [node('send', fastify, 155, 50), node('', 'node:net', 1230, 70)]),
    node('(V8 API)', '', -1, 5),
  ]);
  assert.deepEqual(allocationSites(head), [
    { site: 'handler (services/gateway/routes/jobs.ts:291)', bytes: 100 },
    { site: 'send (fastify/lib/reply.js:156)', bytes: 80 },
    { site: '(anonymous) (node:net:1231)', bytes: 70 },
    { site: '(V8 API)', bytes: 5 },
  ]);
});

test('the profiler counts what a piece of work allocates, the objects already freed too', async () => {
  const kept: number[][] = [];
  const { result, sites } = await withAllocationProfile(async () => {
    // A thousand arrays of a thousand elements (4 or 8 MB, as V8 compresses pointers or not), of
    // which only the last is kept: the others may be freed before the profile ends.
    for (let i = 0; i < 1_000; i += 1) kept[0] = new Array<number>(1_000).fill(i);
    return 'done';
  });
  assert.equal(result, 'done');
  const total = sites.reduce((sum, site) => sum + site.bytes, 0);
  assert.ok(total > 3_000_000, `4 MB or more allocated, counted ${total} bytes`);
});
