/**
 * Why an Avro body does not decode, in sedano's words (pure). avsc's own errors say little
 * ("truncated buffer" for a negative length, or Node's `The value of "offset" is out of
 * range… Received NaN` for a megabyte of junk), so when a body fails to decode the codec walks
 * it again here against the writer's schema and names the first thing wrong: where (the
 * field's path and the byte offset) and what (a negative length, a length past the end, an
 * enum or union index out of range, a varint longer than ten bytes, bytes after the record).
 *
 * A length, a count or a fixed-size value that runs past the end is TRUNCATED (the body ends
 * before the record does); anything else that cannot be the schema's encoding is CORRUPT.
 */
import type avro from 'avsc';

/** What is wrong with a body, as a codec error code and a reason. */
export interface BodyProblem {
  code: 'SEDANO_ERR_CODEC_TRUNCATED' | 'SEDANO_ERR_CODEC_CORRUPT';
  reason: string;
}

class Problem extends Error {
  readonly problem: BodyProblem;
  constructor(problem: BodyProblem) {
    super(problem.reason);
    this.problem = problem;
  }
}

const MAX_VARINT_BYTES = 10;

class Walker {
  position = 0;
  readonly body: Buffer;
  constructor(body: Buffer) {
    this.body = body;
  }

  fail(code: BodyProblem['code'], path: string, what: string): never {
    throw new Problem({ code, reason: `${path === '' ? 'the record' : path}: ${what}` });
  }

  need(bytes: number, path: string, what: string): void {
    if (this.position + bytes > this.body.length) {
      this.fail(
        'SEDANO_ERR_CODEC_TRUNCATED',
        path,
        `${what} at byte ${this.position} runs past the end of the ${this.body.length}-byte body`,
      );
    }
  }

  varint(path: string): bigint {
    const start = this.position;
    let value = 0n;
    for (let i = 0; i < MAX_VARINT_BYTES; i += 1) {
      if (this.position >= this.body.length) {
        this.fail('SEDANO_ERR_CODEC_TRUNCATED', path, `the body ends inside a number that starts at byte ${start}`);
      }
      const byte = this.body[this.position++]!;
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return (value >> 1n) ^ -(value & 1n);
    }
    return this.fail(
      'SEDANO_ERR_CODEC_CORRUPT',
      path,
      `a number at byte ${start} is longer than ${MAX_VARINT_BYTES} bytes`,
    );
  }

  length(path: string, what: string): number {
    const start = this.position;
    const length = this.varint(path);
    if (length < 0n) this.fail('SEDANO_ERR_CODEC_CORRUPT', path, `a negative ${what} (${length}) at byte ${start}`);
    if (length > BigInt(this.body.length - this.position)) {
      this.fail(
        'SEDANO_ERR_CODEC_TRUNCATED',
        path,
        `a ${what} of ${length} at byte ${start} runs past the end of the ${this.body.length}-byte body`,
      );
    }
    return Number(length);
  }

  index(path: string, count: number, what: string): number {
    const start = this.position;
    const index = this.varint(path);
    if (index < 0n || index >= BigInt(count)) {
      this.fail('SEDANO_ERR_CODEC_CORRUPT', path, `${what} index ${index} at byte ${start} is not below ${count}`);
    }
    return Number(index);
  }

  blocks(path: string, item: (path: string, i: number) => void): void {
    let done = 0;
    for (;;) {
      const start = this.position;
      let count = this.varint(path);
      if (count === 0n) return;
      if (count < 0n) {
        count = -count;
        this.length(path, 'block size');
      }
      // Each item takes at least a byte unless its type is empty: a count beyond the bytes left is a lie.
      if (count > BigInt(this.body.length - this.position) && count > 1_000_000n) {
        this.fail(
          'SEDANO_ERR_CODEC_CORRUPT',
          path,
          `a block of ${count} items at byte ${start} cannot fit in the body`,
        );
      }
      for (let i = 0; i < Number(count); i += 1) item(`${path}[${done + i}]`, done + i);
      done += Number(count);
    }
  }

  walk(type: avro.Type, path: string): void {
    const typed = type as avro.Type & Record<string, unknown>;
    const name = type.typeName;
    if (name.startsWith('logical:')) return this.walk(typed['underlyingType'] as avro.Type, path);
    switch (name) {
      case 'null':
        return;
      case 'boolean': {
        this.need(1, path, 'a boolean');
        const byte = this.body[this.position++]!;
        if (byte > 1)
          this.fail('SEDANO_ERR_CODEC_CORRUPT', path, `a boolean byte of ${byte} at byte ${this.position - 1}`);
        return;
      }
      case 'int':
      case 'long':
        this.varint(path);
        return;
      case 'float':
        this.need(4, path, 'a float');
        this.position += 4;
        return;
      case 'double':
        this.need(8, path, 'a double');
        this.position += 8;
        return;
      case 'bytes':
      case 'string': {
        // Read before adding: `position += length()` would add to the position from before the length.
        const length = this.length(path, `${name} length`);
        this.position += length;
        return;
      }
      case 'fixed': {
        const size = typed['size'] as number;
        this.need(size, path, `a fixed value of ${size} bytes`);
        this.position += size;
        return;
      }
      case 'enum':
        this.index(path, (typed['symbols'] as string[]).length, `the ${type.name ?? 'enum'} symbol`);
        return;
      case 'array':
        return this.blocks(path, (itemPath) => this.walk(typed['itemsType'] as avro.Type, itemPath));
      case 'map':
        return this.blocks(path, (itemPath) => {
          const keyLength = this.length(itemPath, 'map key length');
          this.position += keyLength;
          this.walk(typed['valuesType'] as avro.Type, itemPath);
        });
      case 'record':
      case 'error':
        for (const field of typed['fields'] as { name: string; type: avro.Type }[]) {
          this.walk(field.type, path === '' ? field.name : `${path}.${field.name}`);
        }
        return;
      default: {
        // Unions (wrapped or not): an index, then that branch.
        const branches = typed['types'] as avro.Type[];
        const index = this.index(path, branches.length, 'union branch');
        this.walk(branches[index]!, path);
      }
    }
  }
}

/**
 * The first thing wrong with `body` as an encoding of `writer`, or undefined if the body walks
 * cleanly (the failure was elsewhere, e.g. in resolving to the reader's schema).
 */
export function explainAvroBody(writer: avro.Type, body: Buffer): BodyProblem | undefined {
  const walker = new Walker(body);
  try {
    walker.walk(writer, '');
  } catch (error) {
    if (error instanceof Problem) return error.problem;
    throw error;
  }
  if (walker.position < body.length) {
    return {
      code: 'SEDANO_ERR_CODEC_CORRUPT',
      reason: `${body.length - walker.position} byte(s) after the end of the record (at byte ${walker.position})`,
    };
  }
  return undefined;
}
