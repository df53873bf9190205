/**
 * patches/kafkajs+2.2.4.patch (applied by patch-package at install): an idle connection arms no
 * timer, a throttled one still checks its pending requests, and a produce request's messages are
 * grouped per partition as before, in order; the protocol encoder's varints (written in place, and
 * a 32-bit varlong as its varint) are the bytes the Kafka protocol defines; a decoded record's
 * timestamp, offset and headers (Number arithmetic when exact) are what its bytes say; a record
 * batch's CRC-32C (through @node-rs/crc32) is the checksum the table loop computes; an encoder's
 * buffers, from Node's pool and not zero-filled, never put a byte it did not write in what it
 * encodes; a group coordinator lookup that no broker answered is tried again. (The patch's fetch
 * wait while a partition is paused is shown against the broker:
 * test/integration/services/lib/kafka-paused-fetch.test.ts.)
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}
const RequestQueueClass = require('kafkajs/src/network/requestQueue/index.js') as new (
  options: Record<string, unknown>,
) => RequestQueue;
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (options: {
  topic: string;
  partitionMetadata: unknown[];
  messages: { key: string }[];
  partitioner: (options: { message: { key: string } }) => number;
}) => Record<string, { key: string }[]>;

interface ProtocolEncoder {
  writeUVarInt(value: number): ProtocolEncoder;
  writeVarInt(value: number): ProtocolEncoder;
  writeVarLong(value: number | bigint): ProtocolEncoder;
  buffer: Buffer;
}
const Encoder = require('kafkajs/src/protocol/encoder.js') as (new () => ProtocolEncoder) & {
  sizeOfVarLong(value: number): number;
};

interface RecordContext {
  firstOffset: string;
  firstTimestamp: string;
  timestampType: number;
  maxTimestamp?: string;
}
interface DecodedRecord {
  timestamp: string;
  offset: string;
  key: Buffer;
  headers: Record<string, Buffer | Buffer[]>;
}
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: {
  offsetDelta: number;
  timestampDelta: number | bigint;
  key: Buffer;
  value: Buffer;
  headers: Record<string, string | string[]>;
}) => ProtocolEncoder;
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (
  decoder: unknown,
  context: RecordContext,
) => DecodedRecord;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => { readVarInt(): number };

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function requestQueue(): RequestQueue {
  return new RequestQueueClass({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silent,
  });
}

test('an idle connection (nothing pending, not throttled) arms no timer after a check', (t) => {
  const queue = requestQueue();
  t.after(() => clearTimeout(queue.throttleCheckTimeoutId ?? undefined));
  queue.checkPendingRequests();
  assert.equal(queue.throttleCheckTimeoutId, null, 'unpatched kafkajs re-arms a 1 ms timer forever here');
});

test('a throttled connection still schedules the check of its pending requests', (t) => {
  const queue = requestQueue();
  t.after(() => clearTimeout(queue.throttleCheckTimeoutId ?? undefined));
  queue.throttledUntil = Date.now() + 60_000;
  queue.pending.push({ correlationId: 1 });
  queue.scheduleCheckPendingRequests();
  assert.notEqual(queue.throttleCheckTimeoutId, null);
});

test("a produce request's messages are grouped per partition, each partition's in order", () => {
  const messages = Array.from({ length: 10_000 }, (_, index) => ({ key: String(index) }));
  const grouped = groupMessagesPerPartition({
    topic: 'jobs',
    partitionMetadata: [{}, {}, {}],
    messages,
    partitioner: ({ message }) => Number(message.key) % 3,
  });
  assert.deepEqual(Object.keys(grouped).sort(), ['0', '1', '2']);
  for (const [partition, list] of Object.entries(grouped)) {
    assert.deepEqual(
      list,
      messages.filter((message) => Number(message.key) % 3 === Number(partition)),
    );
  }
  assert.deepEqual(
    groupMessagesPerPartition({ topic: 'jobs', partitionMetadata: [], messages, partitioner: () => 0 }),
    {},
  );
});

/** An unsigned LEB128 varint of `value` (0 <= value < 2^64), as the Kafka protocol (and protobuf) define it. */
function varintBytes(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return Buffer.from(bytes);
}

/** ZigZag of a signed `bits`-bit integer, as an unsigned one. */
function zigzag(value: bigint, bits: bigint): bigint {
  return BigInt.asUintN(Number(bits), (value << 1n) ^ (value >> (bits - 1n)));
}

test("the protocol encoder's varints and varlongs are the Kafka protocol's bytes, for every range", () => {
  const edges = [0, 1, -1, 63, 64, -64, -65, 127, 128, 16_383, 16_384, 2 ** 31 - 1, -(2 ** 31)];
  const random = Array.from({ length: 5_000 }, () => Math.trunc((Math.random() - 0.5) * 2 ** (1 + Math.random() * 52)));
  for (const value of [...edges, 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 53) + 1, 2 ** 53 - 1, ...random]) {
    const expected = varintBytes(zigzag(BigInt(value), 64n));
    assert.deepEqual(new Encoder().writeVarLong(value).buffer, expected, `varlong ${value}`);
    assert.equal(Encoder.sizeOfVarLong(value), expected.length, `size of varlong ${value}`);
    if (value >= -(2 ** 31) && value < 2 ** 31) {
      assert.deepEqual(
        new Encoder().writeVarInt(value).buffer,
        varintBytes(zigzag(BigInt(value), 32n)),
        `varint ${value}`,
      );
    }
    if (value >= 0 && value < 2 ** 32) {
      assert.deepEqual(
        new Encoder().writeUVarInt(value).buffer,
        varintBytes(BigInt(value)),
        `unsigned varint ${value}`,
      );
    }
  }
  // Several in a row land one after another in the same buffer.
  const encoder = new Encoder().writeVarInt(300).writeUVarInt(1).writeVarLong(-1);
  assert.deepEqual(encoder.buffer, Buffer.from([0xd8, 0x04, 0x01, 0x01]));
});

test("a decoded record's timestamp, offset and headers are what its bytes say, within and beyond a Number's range", () => {
  const contexts: RecordContext[] = [
    { firstOffset: '42', firstTimestamp: '1796068986244', timestampType: 0 },
    // Beyond 2^53: the sums go through 64-bit arithmetic, as before the patch.
    { firstOffset: '9223372036854775000', firstTimestamp: '9007199254740990', timestampType: 0 },
    { firstOffset: '0', firstTimestamp: '-5', timestampType: 0 },
  ];
  const deltas = [0, 1, -1, 300, -300, 2 ** 31 - 1, 2 ** 40, -(2 ** 40), 2n ** 55n, -(2n ** 62n)];
  for (const context of contexts) {
    for (const [index, timestampDelta] of deltas.entries()) {
      const headers = { traceparent: '00-1', 'sedano-job': ['a', 'b'], toString: 'header' };
      const bytes = encodeRecord({
        offsetDelta: index,
        timestampDelta,
        key: Buffer.from('k'),
        value: Buffer.from('v'),
        headers,
      }).buffer;
      const decoder = new Decoder(bytes);
      decoder.readVarInt(); // the record's length, read by the batch's decoder before it
      const record = decodeRecord(decoder, context);
      assert.equal(record.timestamp, String(BigInt(context.firstTimestamp) + BigInt(timestampDelta)));
      assert.equal(record.offset, String(BigInt(context.firstOffset) + BigInt(index)));
      assert.deepEqual(record.key, Buffer.from('k'));
      assert.deepEqual(record.headers, {
        traceparent: Buffer.from('00-1'),
        'sedano-job': [Buffer.from('a'), Buffer.from('b')],
        // A header named like an Object method is that header (unpatched, it became [method, value]).
        toString: Buffer.from('header'),
      });
    }
  }
  // A broker's log-append time replaces every record's own.
  const bytes = encodeRecord({
    offsetDelta: 0,
    timestampDelta: 5,
    key: Buffer.from('k'),
    value: Buffer.from('v'),
    headers: {},
  }).buffer;
  const decoder = new Decoder(bytes);
  decoder.readVarInt();
  assert.equal(decodeRecord(decoder, { ...contexts[0]!, timestampType: 1, maxTimestamp: '77' }).timestamp, '77');
});

test("a record batch's CRC-32C comes from @node-rs/crc32 and equals the table loop's, on the standard check value and random bytes", () => {
  const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buffer: Buffer) => number;
  const tableLoop = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (buffer: Buffer) => number;
  const { crc32c } = require('@node-rs/crc32') as { crc32c: (buffer: Buffer) => number };
  // The CRC-32C check value (RFC 3720, and the catalogue of parametrised CRCs).
  assert.equal(crc32C(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32C(Buffer.alloc(0)), 0);
  for (const size of [1, 7, 61, 300, 4_096, 65_537]) {
    const bytes = Buffer.from(Array.from({ length: size }, (_, i) => (i * 131 + size) % 256));
    assert.equal(crc32C(bytes), tableLoop(bytes), `size ${size}`);
    assert.equal(crc32C(bytes), crc32c(bytes), `size ${size}: the native function is the one used`);
  }
  // Without a prebuilt binary kafkajs falls back to the table loop (same checksums, 10-15 times slower).
  assert.ok(crc32C.toString().includes('nativeCrc32C('), 'kafkajs calls the native function');
});

test('a record batch encodes to the same bytes whatever the pool held before: no unwritten byte of an encoder leaks', async () => {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
    RecordBatch: (options: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
  };
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (
    options: Record<string, unknown>,
  ) => unknown;
  const encodeAfter = async (garbage: number) => {
    // Node's pool hands out slices of 8 KiB blocks: leave this byte in the next few of them.
    for (let i = 0; i < 64; i += 1) Buffer.allocUnsafe(1_000).fill(garbage);
    const records = Array.from({ length: 20 }, (_, i) =>
      Record({
        offsetDelta: i,
        timestampDelta: i * 3,
        key: Buffer.from(`job-${i}`),
        value: Buffer.alloc(100 + i * 50, i),
        headers: { traceparent: `trace-${i}`, empty: Buffer.alloc(0) },
      }),
    );
    const batch = await RecordBatch({
      compression: 0,
      firstOffset: '0',
      firstTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_057,
      records,
    });
    return batch.buffer;
  };
  const onZeros = await encodeAfter(0x00);
  const onOnes = await encodeAfter(0xff);
  assert.ok(onZeros.length > 2_000);
  assert.deepEqual(onOnes, onZeros);
});

test('a coordinator lookup that no broker answered is tried again, not failed for good', async () => {
  const Cluster = require('kafkajs/src/cluster/index.js') as {
    prototype: { findGroupCoordinator(this: unknown, options: { groupId: string }): Promise<unknown> };
  };
  const createRetry = require('kafkajs/src/retry/index.js') as (
    options: Record<string, number>,
  ) => (fn: (...args: unknown[]) => Promise<unknown>) => Promise<unknown>;
  const { KafkaJSGroupCoordinatorNotFound } = require('kafkajs/src/errors.js') as {
    KafkaJSGroupCoordinatorNotFound: new (message: string) => Error;
  };
  // A broker restarting: the first lookups find no broker that answers, then the broker is back.
  let lookups = 0;
  let refreshes = 0;
  const cluster = {
    retrier: createRetry({ retries: 5, initialRetryTime: 1, maxRetryTime: 2 }),
    logger: { debug: () => {} },
    findGroupCoordinatorMetadata: async () => {
      lookups += 1;
      if (lookups < 3) throw new KafkaJSGroupCoordinatorNotFound('Failed to find group coordinator');
      return { coordinator: { nodeId: 1 } };
    },
    refreshMetadata: async () => {
      refreshes += 1;
    },
    findBroker: async ({ nodeId }: { nodeId: number }) => `broker ${nodeId}`,
  };
  // Unpatched, kafkajs gave up at the first lookup: a consumer rejoining its group during a broker
  // restart stopped for good (a local gateway's dead-letter consumer did, and the gateway exited).
  assert.equal(await Cluster.prototype.findGroupCoordinator.call(cluster, { groupId: 'g' }), 'broker 1');
  assert.equal(lookups, 3);
  assert.equal(refreshes, 2, 'the metadata is read again before each new lookup');
});
