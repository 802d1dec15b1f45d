/**
 * Wakes placements that wait for a sandbox slot when this process frees one, so a waiting
 * placement asks Docker for the live count once per freed slot instead of polling it. A release
 * wakes the longest waiter only: one freed slot can take one placement, and the others would only
 * count again and go back to waiting. A slot freed outside this process (another worker on the
 * same engine, a container that died) is seen when a waiter's timeout runs out.
 */
export class SlotSignal {
  private readonly waiters = new Set<() => void>();

  /** Resolves with 'released' at a release meant for this waiter, or 'timeout' after `ms`. */
  next(ms: number): Promise<'released' | 'timeout'> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve('released');
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve('timeout');
      }, ms);
      this.waiters.add(wake);
    });
  }

  /** A slot was freed: wakes the longest waiter, if any. */
  release(): void {
    const first = this.waiters.values().next();
    if (!first.done) first.value();
  }

  get waiting(): number {
    return this.waiters.size;
  }
}

/** This process's signal: destroySandbox releases, withSandboxSlot waits. */
export const slotFreed = new SlotSignal();
