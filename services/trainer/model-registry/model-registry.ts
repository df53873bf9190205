/**
 * The model registry's ports and their composition: a store for each version's files (a
 * local directory by default) and an index of versions every worker sees (Redis by default).
 * Saving writes the files under a temporary name, claims the version number (atomic, and the
 * same one again for a retried job), moves the files to their final name, then records the
 * version: a reader never sees a version whose files are not complete.
 */
import { SedanoError } from '../../lib/errors.ts';
import type { ClassifierNetwork } from '../training/classifier-network.ts';
import {
  checkModelName,
  decodeWeights,
  encodeWeights,
  type ModelVersionDraft,
  type ModelVersionRecord,
  sha256Hex,
} from './model-version.ts';

/** A version's files written under a temporary name, not yet visible. */
export interface StagedModelFiles {
  modelName: string;
  /** Store-specific handle (a temporary directory for the local store). */
  location: string;
}

/** Where versions' files live. */
export interface ModelFileStore {
  /** Writes the files under a temporary name. */
  stage(modelName: string, files: { manifest: string; weights: Uint8Array }): Promise<StagedModelFiles>;
  /** Moves staged files to the version's final name (replacing a leftover of an earlier attempt); returns their URI. */
  commit(staged: StagedModelFiles, version: number): Promise<string>;
  /** Removes staged files that will not be committed. */
  discard(staged: StagedModelFiles): Promise<void>;
  /** The weights of a committed version. */
  readWeights(modelName: string, version: number): Promise<Uint8Array>;
}

/** A model name with its latest version, for listings. */
export interface ModelSummary {
  modelName: string;
  latestVersion: number;
  versions: number;
}

/** The index of versions, shared by every worker and the gateway. */
export interface ModelIndex {
  /** The version number of `jobId`'s run of `modelName`: a new one, or the one it already claimed. */
  claimVersion(modelName: string, jobId: string): Promise<number>;
  /** Makes a version visible. */
  record(record: ModelVersionRecord): Promise<void>;
  /** The version a job saved, if it did. */
  findByJob(modelName: string, jobId: string): Promise<ModelVersionRecord | undefined>;
  get(modelName: string, version: number): Promise<ModelVersionRecord | undefined>;
  /** The highest recorded version, undefined for an unknown model. */
  latestVersion(modelName: string): Promise<number | undefined>;
  /** Every recorded version of a model, oldest first. */
  versions(modelName: string): Promise<ModelVersionRecord[]>;
  /** Every model, by name. */
  list(): Promise<ModelSummary[]>;
}

/** What a reader of the registry needs (the gateway, the classifier loader). */
export type ModelRegistryReader = Pick<ModelRegistry, 'get' | 'latestVersion' | 'versions' | 'list' | 'readNetwork'>;

export interface ModelRegistry {
  /** Saves a new version of the draft's model and returns its record. */
  save(draft: ModelVersionDraft, jobId: string): Promise<ModelVersionRecord>;
  findByJob(modelName: string, jobId: string): Promise<ModelVersionRecord | undefined>;
  get(modelName: string, version: number): Promise<ModelVersionRecord | undefined>;
  latestVersion(modelName: string): Promise<number | undefined>;
  versions(modelName: string): Promise<ModelVersionRecord[]>;
  list(): Promise<ModelSummary[]>;
  /** The network of a recorded version; throws SEDANO_ERR_MODEL_NOT_FOUND or SEDANO_ERR_MODEL_CORRUPT. */
  readNetwork(
    record: Pick<ModelVersionRecord, 'modelName' | 'version' | 'layers' | 'weightsSha256'>,
  ): Promise<ClassifierNetwork>;
}

/** The registry over a file store and an index; `now` is the clock of createdAt. */
export function createModelRegistry(
  files: ModelFileStore,
  index: ModelIndex,
  now: () => Date = () => new Date(),
): ModelRegistry {
  return {
    async save(draft, jobId) {
      checkModelName(draft.modelName);
      const { network, ...described } = draft;
      const layers = network.layers.map((layer) => ({ inputs: layer.inputs, units: layer.units }));
      const weights = encodeWeights(network);
      const version = await index.claimVersion(draft.modelName, jobId);
      const createdAt = now().toISOString();
      const manifest = { ...described, version, createdAt, layers, weightsSha256: sha256Hex(weights) };
      const staged = await files.stage(draft.modelName, { manifest: JSON.stringify(manifest, null, 2), weights });
      let artifactUri: string;
      try {
        artifactUri = await files.commit(staged, version);
      } catch (error) {
        await files.discard(staged);
        throw error;
      }
      const record: ModelVersionRecord = { ...manifest, artifactUri };
      await index.record(record);
      return record;
    },
    findByJob: (modelName, jobId) => index.findByJob(modelName, jobId),
    get: (modelName, version) => index.get(modelName, version),
    latestVersion: (modelName) => index.latestVersion(modelName),
    versions: (modelName) => index.versions(modelName),
    list: () => index.list(),
    async readNetwork(record) {
      let bytes: Uint8Array;
      try {
        bytes = await files.readWeights(record.modelName, record.version);
      } catch (error) {
        throw new SedanoError(
          'SEDANO_ERR_MODEL_CORRUPT',
          `the files of ${record.modelName}@${record.version} cannot be read: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (sha256Hex(bytes) !== record.weightsSha256) {
        throw new SedanoError(
          'SEDANO_ERR_MODEL_CORRUPT',
          `the weights of ${record.modelName}@${record.version} do not match their recorded SHA-256`,
        );
      }
      return decodeWeights(bytes, record.layers);
    },
  };
}
