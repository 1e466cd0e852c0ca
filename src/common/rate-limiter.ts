/**
 * In-memory token buckets, one per key (a token ID, a remote address): a
 * bucket holds up to `perMinute` units and refills continuously, so a burst
 * of a full minute's budget is allowed, then the steady rate. Each server
 * instance keeps its own buckets: behind a load balancer with N instances a
 * client can get up to N times the budget (docs/security.md).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { level: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now, private readonly maxKeys = 100_000) {
    this.perMs = perMinute / 60_000;
  }

  /** Whether the limiter limits at all (0 turns it off). */
  get enabled(): boolean { return this.perMinute > 0; }

  private level(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return this.perMinute;
    return Math.min(this.perMinute, b.level + (this.now() - b.at) * this.perMs);
  }

  /** Seconds until `amount` units are available (0: now). */
  retryAfter(key: string, amount = 1): number {
    if (!this.enabled) return 0;
    const missing = Math.min(amount, this.perMinute) - this.level(key);
    return missing <= 0 ? 0 : Math.max(1, Math.ceil(missing / this.perMs / 1000));
  }

  /** Takes `amount` units; false (and nothing taken) when the bucket has too few. */
  take(key: string, amount = 1): boolean {
    if (!this.enabled) return true;
    const level = this.level(key);
    // A single request costlier than a whole minute's budget may still run on a full bucket.
    if (level < Math.min(amount, this.perMinute)) return false;
    this.set(key, level - amount);
    return true;
  }

  /** Takes up to `amount` without refusing (counting failures). */
  charge(key: string, amount = 1): void {
    if (this.enabled) this.set(key, Math.max(0, this.level(key) - amount));
  }

  private set(key: string, level: number): void {
    if (this.buckets.size >= this.maxKeys && !this.buckets.has(key)) this.sweep();
    this.buckets.set(key, { level, at: this.now() });
  }

  /** Forgets full buckets (they behave like absent ones); bounds memory under address spraying. */
  private sweep(): void {
    for (const key of this.buckets.keys()) if (this.level(key) >= this.perMinute) this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}
