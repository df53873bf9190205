/**
 * The smoke flow: one Avro event through the whole path — registered schema, Confluent
 * framing, Kafka, a consumer group, decoding — with its trace carried in the headers.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SpanKind, trace, type Tracer } from '@opentelemetry/api';
import type { IncomingMessage, KafkaClient } from '../lib/kafka.ts';
import { registerAvroSchema, type SchemaRegistry } from '../lib/schema-registry.ts';
import { contextFromHeaders, traceHeaders } from '../lib/telemetry.ts';
import { parseWireFormat } from '../lib/wire-format.ts';
import type { TopologyNames } from '../../topology/names.ts';

const SCHEMA = readFileSync(new URL('../../schemas/smoke-event.avsc', import.meta.url), 'utf8');

export interface SmokeEvent {
  id: string;
  sentAt: number;
  message: string;
}

export interface SmokeFlowOptions {
  kafka: KafkaClient;
  registry: SchemaRegistry;
  /** The namespace whose smoke topic the event goes through. */
  names: TopologyNames;
  tracer: Tracer;
  /** How long to wait for the event to come back, in milliseconds. */
  timeoutMs: number;
}

export interface SmokeResult {
  event: SmokeEvent;
  schemaId: number;
  partition: number;
  offset: string;
  roundTripMs: number;
  traceId: string;
}

/** Produces one SmokeEvent and resolves when a consumer group has read and decoded it. */
export async function runSmokeFlow({
  kafka,
  registry,
  names,
  tracer,
  timeoutMs,
}: SmokeFlowOptions): Promise<SmokeResult> {
  const { smokeTopic } = names;
  const schemaId = await registerAvroSchema(registry, names.valueSubject(smokeTopic), SCHEMA);
  const event: SmokeEvent = { id: randomUUID(), sentAt: Date.now(), message: 'hello from sedano' };
  const consumer = await kafka.consumer(`${smokeTopic}.${event.id}`);
  const producer = await kafka.producer();
  try {
    const received = new Promise<IncomingMessage>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the event did not come back within ${timeoutMs} ms`)),
        timeoutMs,
      );
      // Each run reads the topic from the start with a new group and waits for its own key.
      void consumer
        .consume({
          topics: [smokeTopic],
          fromBeginning: true,
          handle: (message) => {
            if (message.key?.toString() !== event.id) return;
            clearTimeout(timer);
            resolve(message);
          },
        })
        .catch(reject);
    });
    const traceId = await tracer.startActiveSpan(`${smokeTopic} publish`, { kind: SpanKind.PRODUCER }, async (span) => {
      try {
        const value = await registry.encode(schemaId, event);
        await producer.send(smokeTopic, [{ key: event.id, value, headers: traceHeaders() }]);
        return span.spanContext().traceId;
      } finally {
        span.end();
      }
    });
    const message = await received;
    const span = tracer.startSpan(
      `${smokeTopic} process`,
      { kind: SpanKind.CONSUMER },
      contextFromHeaders(message.headers),
    );
    try {
      if (!message.value) throw new Error('the event came back without a value');
      const frame = parseWireFormat(message.value);
      if (frame.schemaId !== schemaId) throw new Error(`framed with schema id ${frame.schemaId}, expected ${schemaId}`);
      const carried = trace.getSpanContext(contextFromHeaders(message.headers))?.traceId;
      if (carried !== traceId) throw new Error(`the headers carried trace ${carried}, expected ${traceId}`);
      const decoded = (await registry.decode(message.value)) as SmokeEvent;
      if (decoded.id !== event.id || decoded.message !== event.message) {
        throw new Error(`decoded ${JSON.stringify(decoded)}, expected ${JSON.stringify(event)}`);
      }
      return {
        event: decoded,
        schemaId,
        partition: message.partition,
        offset: message.offset,
        roundTripMs: Date.now() - event.sentAt,
        traceId,
      };
    } finally {
      span.end();
    }
  } finally {
    await Promise.allSettled([consumer.close(), producer.close()]);
  }
}
