/** The event plumbing the Electron fakes share (see fake-electron.ts). */
import { EventEmitter } from 'node:events';
import type { PreventableEvent } from '../../src/shell/electron-api.ts';

/** A preventable event, as Electron passes to will-navigate, close and before-quit listeners. */
export class FakeEvent implements PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** Node's EventEmitter with loosely typed methods, so one class can stand in for many Electron emitters. */
export class FakeEmitter {
  readonly #emitter = new EventEmitter();
  on(event: string, listener: (...args: never[]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }
  once(event: string, listener: (...args: never[]) => void): this {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }
  removeListener(event: string, listener: (...args: never[]) => void): this {
    this.#emitter.removeListener(event, listener as (...args: unknown[]) => void);
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    return this.#emitter.emit(event, ...args);
  }
  listenerCount(event: string): number {
    return this.#emitter.listenerCount(event);
  }
}
