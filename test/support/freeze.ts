/**
 * A local stack component that hangs, as on a machine that stalls: its process is stopped
 * (SIGSTOP), so connections to it stay open and every call waits, rather than being refused.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { stackStatus } from '../../scripts/local-stack/stack.ts';
import type { ComponentName } from '../../services/lib/endpoints.ts';
import { onCleanup } from './resources.ts';

/** Freezes `name` (it must be the local stack's); the returned function thaws it, as the test's end does at the latest. */
export async function freezeComponent(t: TestContext, name: ComponentName): Promise<() => void> {
  const pid = (await stackStatus()).find((component) => component.name === name)?.pid;
  assert.ok(pid !== undefined, `the local stack runs ${name}`);
  let frozen = true;
  const thaw = () => {
    if (frozen) process.kill(pid, 'SIGCONT');
    frozen = false;
  };
  // Never left frozen for the tests after this one, whatever happens in it.
  onCleanup(t, thaw);
  process.kill(pid, 'SIGSTOP');
  return thaw;
}
