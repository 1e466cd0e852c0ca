/**
 * Collects warnings without flooding: a 25,000-result upload with one systematic problem should
 * produce one line with a count, not 25,000 lines.
 */
export class Warnings {
  private readonly lines: string[] = [];
  private readonly seen = new Set<string>();
  private readonly counters = new Map<string, { count: number; render: (n: number, samples: string[]) => string; samples: string[] }>();

  add(message: string): void {
    this.lines.push(message);
  }

  once(key: string, message: string): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.lines.push(message);
  }

  /** Count occurrences under `key`; `render` builds the single line emitted by flush(). */
  count(key: string, render: (n: number, samples: string[]) => string, sample?: string): void {
    let c = this.counters.get(key);
    if (!c) {
      c = { count: 0, render, samples: [] };
      this.counters.set(key, c);
    }
    c.count++;
    if (sample !== undefined && c.samples.length < 5 && !c.samples.includes(sample)) c.samples.push(sample);
  }

  flush(): string[] {
    for (const c of this.counters.values()) this.lines.push(c.render(c.count, c.samples));
    this.counters.clear();
    return this.lines;
  }
}
