import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vectorStoreOptionsFromEnvironment } from '../../../../../services/indexer/vector-store/create.ts';

test('options from the environment: Qdrant only when QDRANT_URL is set', () => {
  assert.deepEqual(vectorStoreOptionsFromEnvironment({}), {
    qdrantUrl: undefined,
    qdrantApiKey: undefined,
    dataDir: undefined,
    snapshotDir: undefined,
  });
  assert.deepEqual(
    vectorStoreOptionsFromEnvironment({
      QDRANT_URL: ' http://qdrant:6333 ',
      QDRANT_API_KEY: 'k',
      SEDANO_DATA_DIR: '/var/lib/sedano/lancedb',
      SEDANO_SNAPSHOT_DIR: '',
    }),
    { qdrantUrl: 'http://qdrant:6333', qdrantApiKey: 'k', dataDir: '/var/lib/sedano/lancedb', snapshotDir: undefined },
  );
});
