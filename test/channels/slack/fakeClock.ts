/**
 * The pacer's clock in tests: it stands still until a wait moves it on, so spacing and Retry-After
 * waits are asserted as numbers, never timed.
 */
/** `hold` keeps chosen waits open (a 429 held while another channel posts). */
export class FakeClock {
  at = 1_000_000;
  readonly waits: number[] = [];
  hold: ((ms: number) => Promise<void> | undefined) | undefined;
  readonly now = (): number => this.at;
  readonly sleep = async (ms: number): Promise<void> => {
    this.waits.push(ms);
    const held = this.hold?.(ms);
    if (held) await held;
    else await Promise.resolve();
    this.at += ms;
  };
}
