import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { assertPortsFree } from '../../../../scripts/local-stack/stack.ts';

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

test('a taken port fails with the port, its holder and the variable that avoids it', async (t) => {
  const { server, port } = await listen();
  t.after(() => server.close());
  await assert.rejects(assertPortsFree({ name: 'redis', ports: [port] }), (error: Error) => {
    assert.equal(error.name, 'PrerequisiteError');
    assert.match(error.message, new RegExp(`redis: port ${port} is taken by .*pid=${process.pid}`));
    assert.match(error.message, /set REDIS_URL to use a redis that is already running/);
    return true;
  });
});

test('free ports pass', async () => {
  const { server, port } = await listen();
  await new Promise((resolve) => server.close(resolve));
  await assertPortsFree({ name: 'kafka', ports: [port] });
});
