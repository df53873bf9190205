/**
 * The model registry, read-only: `GET /v1/models` (every model with its latest version),
 * `GET /v1/models/:name` (its versions, oldest first, each with its metrics) and
 * `GET /v1/models/:name/versions/:version` (one version whole: labels, embedder,
 * hyper-parameters, per-label precision/recall/F1 and the confusion matrix on the validation
 * set, dataset hash and size, training job, creation time). Scope `read`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ModelCatalog, ModelVersionRecord } from '../../trainer/model-catalog.ts';
import { apiError, shortened } from '../errors.ts';
import { routeResponses } from '../schemas.ts';

const nameParam = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
  description: 'A model name.',
} as const;

const modelParams = {
  type: 'object',
  properties: { name: nameParam },
  required: ['name'],
  additionalProperties: false,
} as const;

const versionParams = {
  type: 'object',
  properties: {
    name: nameParam,
    version: {
      type: 'integer',
      minimum: 1,
      // A version is an Avro int (training-result.avsc): a larger number names none, and one past
      // 2^53 would reach the handler rounded.
      maximum: 2_147_483_647,
      description: 'A version, from 1.',
    },
  },
  required: ['name', 'version'],
  additionalProperties: false,
} as const;

const nullableNumber = { type: ['number', 'null'] } as const;

const metricsSchema = {
  type: 'object',
  description: 'Training and validation loss and accuracy of the kept epoch.',
  properties: {
    accuracy: { type: 'number' },
    loss: { type: 'number' },
    validationAccuracy: nullableNumber,
    validationLoss: nullableNumber,
    epochs: { type: 'integer' },
  },
} as const;

const versionSummarySchema = {
  type: 'object',
  properties: {
    modelId: { type: 'string', description: "`name@version`, usable as an analysis job's modelId." },
    version: { type: 'integer' },
    modelType: { type: 'string' },
    labels: { type: 'array', items: { type: 'string' } },
    embedder: { type: 'object', properties: { name: { type: 'string' }, dimension: { type: 'integer' } } },
    metrics: metricsSchema,
    macroF1: { ...nullableNumber, description: 'Mean F1 over the labels on the validation set.' },
    examples: { type: 'integer' },
    trainingJobId: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const versionSchema = {
  type: 'object',
  properties: {
    ...versionSummarySchema.properties,
    modelName: { type: 'string' },
    hyperParameters: { type: 'object', additionalProperties: true },
    evaluation: {
      type: ['object', 'null'],
      description:
        'Validation set: accuracy, macroF1, perLabel precision/recall/f1/support, confusionMatrix[actual][predicted].',
      additionalProperties: true,
    },
    dataset: {
      type: 'object',
      description: "sha256 of the examples, their count, the split and each label's count, the datasetUri.",
      additionalProperties: true,
    },
    trainingTimeMs: { type: 'integer' },
    artifactUri: { type: 'string' },
    weightsSha256: { type: 'string', description: 'SHA-256 of the weights file, checked when it is loaded.' },
    warnings: { type: 'array', items: { type: 'string' } },
    layers: {
      type: 'array',
      items: { type: 'object', properties: { inputs: { type: 'integer' }, units: { type: 'integer' } } },
    },
  },
} as const;

/** A version as listed under its model (pure). */
export function versionSummary(record: ModelVersionRecord) {
  return {
    modelId: `${record.modelName}@${record.version}`,
    version: record.version,
    modelType: record.modelType,
    labels: record.labels,
    embedder: record.embedder,
    metrics: record.metrics,
    macroF1: record.evaluation?.macroF1 ?? null,
    examples: record.dataset.examples,
    trainingJobId: record.trainingJobId,
    createdAt: record.createdAt,
  };
}

/**
 * The model routes, a fastify plugin given only the model catalog (the registry's read side,
 * through the trainer's port). An unknown model or version answers 404.
 */
export const modelRoutes: FastifyPluginAsync<{ catalog: ModelCatalog }> = async (app, { catalog }) => {
  app.get(
    '/v1/models',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Trained models',
        description: 'Every model in the registry, by name, with its latest version and number of versions.',
        tags: ['models'],
        response: routeResponses(
          {
            200: {
              description: 'Every model with its latest version',
              schema: {
                type: 'object',
                properties: {
                  models: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        modelName: { type: 'string' },
                        latestVersion: { type: 'integer' },
                        versions: { type: 'integer' },
                      },
                    },
                  },
                },
              },
            },
          },
          { validated: false },
        ),
      },
    },
    async () => ({ models: await catalog.list() }),
  );

  app.get<{ Params: { name: string } }>(
    '/v1/models/:name',
    {
      config: { scope: 'read' },
      schema: {
        summary: "A model's versions with their metrics",
        tags: ['models'],
        params: modelParams,
        response: routeResponses(
          {
            200: {
              description: "The model's versions, oldest first",
              schema: {
                type: 'object',
                properties: {
                  modelName: { type: 'string' },
                  latestVersion: { type: 'integer' },
                  versions: { type: 'array', items: versionSummarySchema },
                },
              },
            },
          },
          { codes: ['SEDANO_ERR_MODEL_NOT_FOUND'] },
        ),
      },
    },
    async (request) => {
      const { name } = request.params;
      const versions = await catalog.versions(name);
      const latest = versions.at(-1);
      if (latest === undefined) throw apiError('SEDANO_ERR_MODEL_NOT_FOUND', `no model named ${shortened(name)}`);
      return { modelName: name, latestVersion: latest.version, versions: versions.map(versionSummary) };
    },
  );

  app.get<{ Params: { name: string; version: number } }>(
    '/v1/models/:name/versions/:version',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'One version of a model, whole',
        description:
          'Labels, embedder, hyper-parameters, metrics, the per-label precision/recall/F1 and confusion matrix on ' +
          'the validation set, dataset hash and size, training job and creation time.',
        tags: ['models'],
        params: versionParams,
        response: routeResponses(
          { 200: { description: 'The version whole', schema: versionSchema } },
          { codes: ['SEDANO_ERR_MODEL_NOT_FOUND'] },
        ),
      },
    },
    async (request) => {
      const { name, version } = request.params;
      const record = await catalog.get(name, version);
      if (record === undefined) {
        throw apiError('SEDANO_ERR_MODEL_NOT_FOUND', `model ${shortened(name)} has no version ${version}`);
      }
      return { ...record, ...versionSummary(record) };
    },
  );
};
