import { messageOf } from './errors.ts';

/**
 * What a launch created, undone in reverse order when a later stage fails, so that a failed launch
 * leaves nothing half-made. An undo step that fails is reported, never thrown over the real error.
 */
export class Rollback {
  readonly #steps: Array<{ what: string; undo: () => Promise<void> | void }> = [];

  add(what: string, undo: () => Promise<void> | void): void {
    this.#steps.push({ what, undo });
  }

  get size(): number {
    return this.#steps.length;
  }

  /** Forget everything: the launch succeeded and what it made stays. */
  commit(): void {
    this.#steps.length = 0;
  }

  /** Runs every undo step, newest first. Returns the problems met, as sentences for the user. */
  async run(): Promise<string[]> {
    const problems: string[] = [];
    while (this.#steps.length > 0) {
      const step = this.#steps.pop()!;
      try {
        await step.undo();
      } catch (err) {
        problems.push(`could not undo "${step.what}": ${messageOf(err)}`);
      }
    }
    return problems;
  }
}
