/**
 * The sandbox clock. Everything time-based in the sandbox (timestamps, chat expiry, token expiry,
 * TPS windows, flow timers) reads this clock, so a test can pin time and move it on by hand.
 */
export interface SandboxClock {
  now(): Date;
  /** Runs `fn` once after `ms` of sandbox time. Returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
  /**
   * Moves sandbox time forward by `ms`, firing the timers that fall due in order (a chat's expiry,
   * a flow's wait). The admin API's `POST /sandbox/clock/advance` calls it.
   */
  advance?(ms: number): void;
}

/** Node's largest setTimeout delay; longer timers are re-armed in steps. */
const MAX_DELAY = 2_147_483_647;

interface SystemTimer {
  due: number;
  seq: number;
  fn: () => void;
  handle?: NodeJS.Timeout;
}

/**
 * Wall-clock time, plus however far {@link SandboxClock.advance} has moved it on. Timers are
 * unref'd so a pending chat expiry never keeps a process alive.
 */
export function systemClock(): SandboxClock & { advance(ms: number): void; readonly offsetMs: number } {
  let offset = 0;
  let seq = 0;
  const pending = new Set<SystemTimer>();
  const nowMs = () => Date.now() + offset;
  const arm = (t: SystemTimer) => {
    if (t.handle) clearTimeout(t.handle);
    const left = t.due - nowMs();
    t.handle = setTimeout(() => {
      if (t.due > nowMs()) return arm(t);
      pending.delete(t);
      t.fn();
    }, Math.min(Math.max(0, left), MAX_DELAY));
    t.handle.unref();
  };
  return {
    now: () => new Date(nowMs()),
    get offsetMs() {
      return offset;
    },
    setTimer(ms, fn) {
      const t: SystemTimer = { due: nowMs() + Math.max(0, ms), seq: seq++, fn };
      pending.add(t);
      arm(t);
      return () => {
        if (t.handle) clearTimeout(t.handle);
        pending.delete(t);
      };
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock moves forward only: give a number of milliseconds of 0 or more');
      offset += ms;
      const target = nowMs();
      for (;;) {
        let next: SystemTimer | undefined;
        for (const t of pending) if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
        if (!next) break;
        if (next.handle) clearTimeout(next.handle);
        pending.delete(next);
        next.fn();
      }
      for (const t of pending) arm(t);
    },
  };
}

interface PendingTimer {
  due: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when told to: `advance(ms)` fires the timers that fall due, in order. */
export class ManualClock implements SandboxClock {
  private current: number;
  private timers: PendingTimer[] = [];
  private seq = 0;

  constructor(start: Date | number = Date.UTC(2026, 0, 15, 9, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: PendingTimer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward, firing due timers one at a time (a timer may set new timers). */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.timers) {
        if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = target;
  }

  /** How many timers are waiting (handy in tests). */
  get pendingTimers(): number {
    return this.timers.length;
  }
}
