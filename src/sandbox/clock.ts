/**
 * The sandbox clock. Everything time-based in the sandbox (timestamps, chat expiry, token expiry,
 * TPS windows, flow timers) reads this clock, so a test can pin time and move it on by hand.
 */
export interface SandboxClock {
  now(): Date;
  /** Runs `fn` once after `ms` of sandbox time. Returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** Node's largest setTimeout delay; longer timers are re-armed in steps. */
const MAX_DELAY = 2_147_483_647;

/** Wall-clock time. Timers are unref'd so a pending chat expiry never keeps a process alive. */
export function systemClock(): SandboxClock {
  return {
    now: () => new Date(),
    setTimer(ms, fn) {
      let handle: NodeJS.Timeout;
      const due = Date.now() + Math.max(0, ms);
      const arm = () => {
        const left = due - Date.now();
        handle = setTimeout(left > MAX_DELAY ? arm : fn, Math.min(Math.max(0, left), MAX_DELAY));
        handle.unref();
      };
      arm();
      return () => clearTimeout(handle);
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
