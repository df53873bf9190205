import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vectorStoreOptionsOf, vectorStoreSettings } from '../../../../../services/indexer/vector-store/create.ts';
import { resolveSettings } from '../../../../../services/lib/settings.ts';

const optionsOf = (env: Record<string, string>) => vectorStoreOptionsOf(resolveSettings(vectorStoreSettings, env));

test('options from the environment: Qdrant only when QDRANT_URL is set', () => {
  assert.deepEqual(optionsOf({}), {
    qdrantUrl: undefined,
    qdrantApiKey: undefined,
    dataDir: undefined,
    snapshotDir: undefined,
  });
  assert.deepEqual(
    optionsOf({
      QDRANT_URL: ' http://qdrant:6333 ',
      QDRANT_API_KEY: 'k',
      SEDANO_DATA_DIR: '/var/lib/sedano/lancedb',
      SEDANO_SNAPSHOT_DIR: '',
    }),
    { qdrantUrl: 'http://qdrant:6333', qdrantApiKey: 'k', dataDir: '/var/lib/sedano/lancedb', snapshotDir: undefined },
  );
});
