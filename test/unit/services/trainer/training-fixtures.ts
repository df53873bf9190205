/** Labelled English and Italian sentences in three classes, and an in-memory ModelIndex, for the trainer's tests. */
import type { LabelledExample } from '../../../../schemas/labelled-example.ts';
import type { TrainModelRequest } from '../../../../schemas/train-model-request.ts';
import type { ModelIndex } from '../../../../services/trainer/model-registry/model-registry.ts';
import type { ModelVersionRecord } from '../../../../services/trainer/model-registry/model-version.ts';

const SENTENCES: Record<string, string[]> = {
  finance: [
    'Quarterly revenue grew by twelve percent and the operating margin improved',
    'The bank raised interest rates and bond yields climbed',
    'Net profit fell after higher costs and a weaker currency',
    'Shareholders approved the dividend and the share buyback',
    'The company reported strong earnings and raised its revenue guidance',
    'Investors sold stocks as the market index dropped',
    'Il fatturato trimestrale è cresciuto del dodici per cento e il margine operativo è migliorato',
    'La banca ha alzato i tassi di interesse e i rendimenti dei titoli sono saliti',
    "L'utile netto è sceso per i costi più alti e una valuta più debole",
    'Gli azionisti hanno approvato il dividendo e il riacquisto di azioni',
    "L'azienda ha registrato utili solidi e ha alzato le previsioni di fatturato",
    "Gli investitori hanno venduto azioni mentre l'indice di borsa scendeva",
  ],
  sport: [
    'The striker scored twice and the team won the football match',
    'The coach praised the players after the championship final',
    'The tennis player won the tournament in three sets',
    'Fans cheered as the goalkeeper saved the penalty',
    'The cyclist won the mountain stage of the race',
    'The basketball team lost the game in overtime',
    "L'attaccante ha segnato due gol e la squadra ha vinto la partita di calcio",
    "L'allenatore ha elogiato i giocatori dopo la finale del campionato",
    'Il tennista ha vinto il torneo in tre set',
    'I tifosi hanno esultato quando il portiere ha parato il rigore',
    'Il ciclista ha vinto la tappa di montagna della corsa',
    'La squadra di pallacanestro ha perso la partita ai supplementari',
  ],
  weather: [
    'Heavy rain and strong wind are expected tomorrow in the north',
    'The forecast says sunny skies and warm temperatures this weekend',
    'Snow fell overnight and the temperature dropped below zero',
    'A storm with thunder and hail hit the coast',
    'Fog will clear in the morning and clouds will follow',
    'The heatwave brings temperatures above forty degrees',
    'Domani sono previste forti piogge e vento forte al nord',
    'Le previsioni dicono cielo sereno e temperature miti nel fine settimana',
    'È caduta la neve durante la notte e la temperatura è scesa sotto zero',
    'Un temporale con tuoni e grandine ha colpito la costa',
    'La nebbia si diraderà al mattino e seguiranno nuvole',
    "L'ondata di caldo porta temperature sopra i quaranta gradi",
  ],
};

/** 36 examples: six English and six Italian sentences per label. */
export const LABELLED_EXAMPLES: LabelledExample[] = Object.entries(SENTENCES).flatMap(([label, texts]) =>
  texts.map((text) => ({ text, label })),
);

/** Held-out sentences (not in LABELLED_EXAMPLES) with their labels, both languages. */
export const HELD_OUT: LabelledExample[] = [
  { text: 'Revenue and profit rose while the share price climbed', label: 'finance' },
  { text: 'Gli utili e il fatturato sono cresciuti e le azioni sono salite', label: 'finance' },
  { text: 'The team won the match after a late goal', label: 'sport' },
  { text: 'La squadra ha vinto la partita con un gol nel finale', label: 'sport' },
  { text: 'Rain and wind tomorrow, with snow in the mountains', label: 'weather' },
  { text: 'Domani pioggia e vento, con neve in montagna', label: 'weather' },
];

/** A training request with the test defaults; `overrides` replace fields (hyper-parameters merged). */
export function trainingRequest(
  overrides: Partial<Omit<TrainModelRequest, 'hyperParameters'>> & {
    hyperParameters?: Partial<TrainModelRequest['hyperParameters']>;
  } = {},
): TrainModelRequest {
  const { hyperParameters, ...rest } = overrides;
  return {
    header: {
      jobId: '00000000-0000-4000-8000-000000000001',
      jobType: 'TRAIN_MODEL',
      priority: 'NORMAL',
      batchId: null,
      parentJobId: null,
      idempotencyKey: null,
      submittedAt: 0,
      submitter: 'test',
      retryPolicy: null,
      softTimeLimitMs: null,
      hardTimeLimitMs: null,
      expiresAt: null,
    },
    modelType: 'text-classifier',
    modelName: 'topics',
    examples: LABELLED_EXAMPLES,
    datasetUri: null,
    epochs: 15,
    validationSplit: 0.25,
    ...rest,
    hyperParameters: {
      learningRate: 0.05,
      batchSize: 8,
      l2Regularization: 0,
      seed: 7,
      hiddenUnits: 0,
      earlyStoppingPatience: null,
      balanceClasses: true,
      ...hyperParameters,
    },
  };
}

/** A ModelIndex in memory, with the Redis index's semantics. */
export function createMemoryModelIndex(): ModelIndex {
  const sequences = new Map<string, number>();
  const jobs = new Map<string, number>();
  const records = new Map<string, ModelVersionRecord>();
  const versionsOf = (name: string) =>
    [...records.values()].filter((record) => record.modelName === name).sort((a, b) => a.version - b.version);
  return {
    async claimVersion(name, jobId) {
      const held = jobs.get(`${name}/${jobId}`);
      if (held !== undefined) return held;
      const version = (sequences.get(name) ?? 0) + 1;
      sequences.set(name, version);
      jobs.set(`${name}/${jobId}`, version);
      return version;
    },
    async record(record) {
      records.set(`${record.modelName}@${record.version}`, structuredClone(record));
    },
    async findByJob(name, jobId) {
      const version = jobs.get(`${name}/${jobId}`);
      return version === undefined ? undefined : records.get(`${name}@${version}`);
    },
    async get(name, version) {
      return records.get(`${name}@${version}`);
    },
    async latestVersion(name) {
      return versionsOf(name).at(-1)?.version;
    },
    async versions(name) {
      return versionsOf(name);
    },
    async list() {
      const names = [...new Set([...records.values()].map((record) => record.modelName))].sort();
      return names.map((modelName) => ({
        modelName,
        latestVersion: versionsOf(modelName).at(-1)?.version ?? 0,
        versions: versionsOf(modelName).length,
      }));
    },
  };
}
