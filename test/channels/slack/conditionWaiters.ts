/**
 * "Wait until the stand-in has seen what the test expects": conditions re-checked each time the
 * stand-in records something, rejected with a description of what it saw after a timeout.
 */
export class ConditionWaiters {
  private readonly waiters = new Set<() => void>();

  waitFor(ready: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${describe()}: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Called by the stand-in after it records something. */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
