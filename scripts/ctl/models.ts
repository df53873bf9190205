/**
 * `ctl models list` and `ctl models show <name>[@<version>]`: the model registry through the
 * gateway (`GET /v1/models…`). `show name` lists the versions with their metrics; `show
 * name@version` prints one version with its per-label precision, recall and F1 and its
 * confusion matrix on the validation set.
 */
import type { Command } from 'commander';
import { gatewayRequest, resolveGatewayTarget, withGatewayOptions } from './gateway-client.ts';
import { type CtlAction } from './command-context.ts';
import { formatTable, UsageError } from './output.ts';

interface ModelSummary {
  modelName: string;
  latestVersion: number;
  versions: number;
}

interface Metrics {
  accuracy: number;
  loss: number;
  validationAccuracy: number | null;
  validationLoss: number | null;
  epochs: number;
}

interface VersionSummary {
  modelId: string;
  version: number;
  labels: string[];
  metrics: Metrics;
  macroF1: number | null;
  examples: number;
  createdAt: string;
}

interface VersionDetail extends VersionSummary {
  embedder: { name: string; dimension: number };
  evaluation: {
    perLabel: { label: string; precision: number; recall: number; f1: number; support: number }[];
    confusionMatrix: number[][];
  } | null;
  dataset: { sha256: string };
  trainingJobId: string;
}

const figure = (value: number | null) => (value === null ? '-' : value.toFixed(3));

/** Human lines of `models list` (pure). */
export function formatModelList(models: readonly ModelSummary[]): string[] {
  if (models.length === 0) return ['no models'];
  return formatTable(
    ['MODEL', 'LATEST', 'VERSIONS'],
    models.map((model) => [model.modelName, String(model.latestVersion), String(model.versions)]),
  );
}

/** Human lines of `models show <name>` (pure). */
export function formatModelVersions(versions: readonly VersionSummary[]): string[] {
  return formatTable(
    ['ID', 'CREATED', 'EXAMPLES', 'EPOCHS', 'LOSS', 'VAL LOSS', 'VAL ACC', 'MACRO F1', 'LABELS'],
    versions.map((version) => [
      version.modelId,
      version.createdAt,
      String(version.examples),
      String(version.metrics.epochs),
      figure(version.metrics.loss),
      figure(version.metrics.validationLoss),
      figure(version.metrics.validationAccuracy),
      figure(version.macroF1),
      version.labels.join(','),
    ]),
  );
}

/** Human lines of `models show <name>@<version>` (pure). */
export function formatModelVersion(version: VersionDetail): string[] {
  const lines = [
    `${version.modelId}  created ${version.createdAt}  job ${version.trainingJobId}`,
    `embedder ${version.embedder.name} (dimension ${version.embedder.dimension}), ${version.examples} examples, dataset sha256 ${version.dataset.sha256}`,
    `loss ${figure(version.metrics.loss)}  accuracy ${figure(version.metrics.accuracy)}  validation loss ${figure(version.metrics.validationLoss)}  validation accuracy ${figure(version.metrics.validationAccuracy)}  epochs ${version.metrics.epochs}`,
  ];
  const evaluation = version.evaluation;
  if (evaluation === null) return [...lines, 'no validation set: no per-label metrics'];
  return [
    ...lines,
    '',
    ...formatTable(
      ['LABEL', 'PRECISION', 'RECALL', 'F1', 'SUPPORT'],
      evaluation.perLabel.map((row) => [
        row.label,
        figure(row.precision),
        figure(row.recall),
        figure(row.f1),
        String(row.support),
      ]),
    ),
    '',
    'confusion matrix (rows: actual, columns: predicted)',
    ...formatTable(
      ['', ...version.labels],
      evaluation.confusionMatrix.map((row, index) => [version.labels[index] ?? '', ...row.map(String)]),
    ),
  ];
}

export function registerModels(program: Command, run: CtlAction): void {
  const models = program.command('models').description('trained models and their versions (through the gateway)');
  withGatewayOptions(models.command('list').description('every model with its latest version')).action(
    run(async ({ out, env, options }) => {
      const reply = await gatewayRequest<{ models: ModelSummary[] }>(
        resolveGatewayTarget(options, env),
        'GET',
        '/v1/models',
      );
      if (out.json) out.data(reply);
      else formatModelList(reply.models).forEach((line) => out.line(line));
    }),
  );
  withGatewayOptions(
    models
      .command('show')
      .description("a model's versions with their metrics, or one version (name@version) whole")
      .argument('<model>', 'name, or name@version'),
  ).action(
    run(async ({ out, env, options }, model: string) => {
      const match = /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})(?:@([1-9]\d*))?$/.exec(model);
      if (match === null) throw new UsageError(`<model>: expected name or name@version, got "${model}"`);
      const [, name, version] = match;
      const target = resolveGatewayTarget(options, env);
      if (version === undefined) {
        const reply = await gatewayRequest<{ versions: VersionSummary[] }>(target, 'GET', `/v1/models/${name}`);
        if (out.json) out.data(reply);
        else formatModelVersions(reply.versions).forEach((line) => out.line(line));
        return;
      }
      const reply = await gatewayRequest<VersionDetail>(target, 'GET', `/v1/models/${name}/versions/${version}`);
      if (out.json) out.data(reply);
      else formatModelVersion(reply).forEach((line) => out.line(line));
    }),
  );
}
