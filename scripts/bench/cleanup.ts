/**
 * Cleanup steps of a benchmark, run in reverse order of registration (a topic is deleted
 * before the admin client that deletes it is closed). Every step runs even if one fails.
 */
export class Cleanup {
  readonly #steps: { name: string; step: () => unknown }[] = [];
  #running: Promise<unknown[]> | undefined;

  add(name: string, step: () => unknown): void {
    this.#steps.push({ name, step });
  }

  /** Runs every step once; resolves with the failures, each reported through `onFailure`. */
  run(onFailure: (name: string, error: unknown) => void): Promise<unknown[]> {
    return (this.#running ??= (async () => {
      const failures: unknown[] = [];
      for (const { name, step } of this.#steps.reverse()) {
        try {
          await step();
        } catch (error) {
          failures.push(error);
          onFailure(name, error);
        }
      }
      return failures;
    })());
  }
}
