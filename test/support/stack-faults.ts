/**
 * Faults of a local stack component for the fault tests: stopped (its connections are refused)
 * or frozen (SIGSTOP, as on a machine that stalls: its connections stay open and every call
 * waits). Either is undone at the test's end at the latest, so the tests after it never meet it.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { stackDown, stackStatus, stackUp } from '../../scripts/local-stack/stack.ts';
import { ENDPOINT_VARIABLES, externalComponents, type ComponentName } from '../../services/lib/endpoints.ts';
import { onCleanup } from './resources.ts';

/** A fault a test begins and ends. */
export interface StackFault {
  begin(t: TestContext): Promise<void>;
  end(): Promise<void>;
}

/** Freezes `name` (it must be the local stack's); the returned function thaws it, as the test's end does at the latest. */
export async function freezeComponent(t: TestContext, name: ComponentName): Promise<() => void> {
  const pid = (await stackStatus()).find((component) => component.name === name)?.pid;
  assert.ok(pid !== undefined, `the local stack runs ${name}`);
  let frozen = true;
  const thaw = () => {
    if (frozen) process.kill(pid, 'SIGCONT');
    frozen = false;
  };
  onCleanup(t, thaw);
  process.kill(pid, 'SIGSTOP');
  return thaw;
}

/** `name` frozen from `begin` to `end`. */
export function freezeFault(name: ComponentName): StackFault {
  let thaw: (() => void) | undefined;
  return {
    begin: async (t) => void (thaw = await freezeComponent(t, name)),
    end: async () => thaw?.(),
  };
}

/** `name` stopped from `begin` to `end` (its state is saved on the way down and kept). */
export function stopFault(name: ComponentName): StackFault {
  return {
    begin: async (t) => {
      onCleanup(t, () => stackUp({ log: () => {} }));
      await stackDown({ only: [name], log: () => {} });
    },
    end: () => stackUp({ log: () => {} }),
  };
}

/** The options of a fault test of `name`: skipped when the component is not the local stack's. */
export function faultTestOptions(name: ComponentName, timeout = 300_000): { timeout: number; skip: string | false } {
  const external = externalComponents(process.env).has(name);
  return { timeout, skip: external ? `${ENDPOINT_VARIABLES[name]} points at a ${name} this test cannot stop` : false };
}
