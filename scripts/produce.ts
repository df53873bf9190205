/**
 * `npm run produce -- <stage> [--payload JSON | --payload-file FILE] [options]`
 *
 * Submits one job of any stage from the command line and prints its job id. The payload is
 * the stage's request record without its header, as JSON; fields with defaults may be left
 * out. An invalid payload is refused before anything reaches Kafka, naming each bad field.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRIORITY_SYMBOLS, type Priority } from '../schemas/priority.ts';
import { createCodec } from '../services/lib/codec.ts';
import { resolveEndpoints } from '../services/lib/endpoints.ts';
import { isSedanoError } from '../services/lib/errors.ts';
import { DEFAULT_NAMESPACE, topologyNames } from '../topology/names.ts';
import { createJobClient, type StagePayload } from '../services/lib/job-client.ts';
import { createKafkaClient } from '../services/lib/kafka.ts';
import { kafkaConnection } from '../services/lib/kafka-connection.ts';
import { createSchemaRegistry } from '../services/lib/schema-registry.ts';
import { type Stage, STAGES } from '../topology/topics.ts';

const usage = `usage: npm run produce -- <stage> [--payload JSON | --payload-file FILE] [options]
  stage                  ${STAGES.join(' | ')}
  --payload JSON         the request without its header (default {})
  --payload-file FILE    the same, read from a file
  --priority P           ${PRIORITY_SYMBOLS.join(' | ')} (default NORMAL)
  --batch-id UUID        add the job to a batch
  --idempotency-key KEY  the same key always gives the same job id
  --submitter NAME       who submits (default: cli)
  --json                 print {"jobId", "topic", ...} instead of the id alone`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    payload: { type: 'string' },
    'payload-file': { type: 'string' },
    priority: { type: 'string', default: 'NORMAL' },
    'batch-id': { type: 'string' },
    'idempotency-key': { type: 'string' },
    submitter: { type: 'string', default: 'cli' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function fail(message: string, code = 2): never {
  console.error(`produce: ${message}`);
  process.exit(code);
}

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const stage = positionals[0] as Stage | undefined;
if (!stage || !STAGES.includes(stage)) fail(`unknown stage "${stage ?? ''}"\n${usage}`);
if (!PRIORITY_SYMBOLS.includes(values.priority as Priority)) {
  fail(`--priority must be one of ${PRIORITY_SYMBOLS.join(', ')}`);
}
let payload: StagePayload<Stage>;
try {
  const text = values['payload-file'] ? readFileSync(values['payload-file'], 'utf8') : (values.payload ?? '{}');
  payload = JSON.parse(text) as StagePayload<Stage>;
} catch (error) {
  fail(`the payload is not JSON: ${(error as Error).message}`);
}

const endpoints = resolveEndpoints(process.env);
const producer = await createKafkaClient({ ...kafkaConnection(process.env), clientId: 'sedano-produce' }).producer();
try {
  const client = createJobClient({
    producer,
    codec: createCodec({ registry: createSchemaRegistry(endpoints.schemaRegistryUrl) }),
    names: topologyNames(process.env['SEDANO_NAMESPACE'] || DEFAULT_NAMESPACE),
    submitter: values.submitter,
  });
  const job = await client.submit(stage, payload, {
    priority: values.priority as Priority,
    ...(values['batch-id'] !== undefined && { batchId: values['batch-id'] }),
    ...(values['idempotency-key'] !== undefined && { idempotencyKey: values['idempotency-key'] }),
  });
  console.log(values.json ? JSON.stringify(job) : job.jobId);
} catch (error) {
  process.exitCode = isSedanoError(error) && !error.retriable ? 2 : 1;
  console.error(`produce: ${isSedanoError(error) ? `${error.code}: ` : ''}${(error as Error).message}`);
} finally {
  await producer.close();
}
