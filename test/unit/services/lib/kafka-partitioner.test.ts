import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { createDefaultPartitioner, murmur2, partitionForKey } from '../../../../services/lib/kafka-partitioner.ts';

// kafkajs's own Java-compatible murmur2 (64-bit Long arithmetic): the reference this one must match.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer | string,
) => number;

describe('murmur2', () => {
  it('matches kafkajs (and so the Java client) on random keys of every length', () => {
    for (let length = 0; length <= 64; length += 1) {
      for (let round = 0; round < 20; round += 1) {
        const key = randomBytes(length);
        assert.equal(murmur2(key), kafkajsMurmur2(key), `key ${key.toString('hex')}`);
      }
    }
  });

  it('matches kafkajs on job ids and unicode strings', () => {
    for (const key of [randomUUID(), randomUUID(), 'caffè', 'документ-42', '']) {
      assert.equal(murmur2(Buffer.from(key)), kafkajsMurmur2(key));
    }
  });

  it('gives the Java client known values', () => {
    // From the Java client's UtilsTest.testMurmur2.
    assert.equal(murmur2(Buffer.from('21')), -973932308);
    assert.equal(murmur2(Buffer.from('foobar')), -790332482);
    assert.equal(murmur2(Buffer.from('a-little-bit-long-string')), -985981536);
    assert.equal(murmur2(Buffer.from('a-little-bit-longer-string')), -1486304829);
    assert.equal(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')), -58897971);
  });
});

describe('partitionForKey', () => {
  it('is the positive hash modulo the partition count, for strings and bytes alike', () => {
    const key = randomUUID();
    const expected = (kafkajsMurmur2(key) & 0x7fffffff) % 12;
    assert.equal(partitionForKey(key, 12), expected);
    assert.equal(partitionForKey(Buffer.from(key), 12), expected);
  });
});

describe('createDefaultPartitioner', () => {
  const partitions = [
    { partitionId: 0, leader: 1 },
    { partitionId: 1, leader: -1 },
    { partitionId: 2, leader: 1 },
  ];

  it('keeps a partition the message names', () => {
    assert.equal(createDefaultPartitioner()('t', partitions, { key: 'k', partition: 1 }), 1);
  });

  it('hashes a key over every partition, led or not', () => {
    const key = randomUUID();
    assert.equal(createDefaultPartitioner()('t', partitions, { key }), partitionForKey(key, 3));
  });

  it('sends messages without a key round-robin over the partitions with a leader', () => {
    const partitionOf = createDefaultPartitioner(() => 0);
    const chosen = [1, 2, 3, 4].map(() => partitionOf('t', partitions, { key: null }));
    assert.deepEqual(chosen, [2, 0, 2, 0]);
  });
});
