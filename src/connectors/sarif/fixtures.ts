/** Test helper: locates ../shared/fixtures/real from wherever the compiled tests run. */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseJsonSafely } from "./json";

let cached: string | null = null;

export function realFixturesDir(): string {
  if (cached) return cached;
  // The checkout's parent holds shared/; walk up rather than hard-code how deep dist/ puts us.
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, "shared", "fixtures", "real");
    if (existsSync(candidate)) return (cached = candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`shared/fixtures/real not found above ${__dirname}`);
    dir = parent;
  }
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(path.join(realFixturesDir(), name));
}

export function loadFixture(name: string): unknown {
  return parseJsonSafely(fixtureBytes(name));
}

/** A deep, mutable copy typed loosely so tests can edit SARIF in place. */
export function loadMutable(name: string): any {
  return structuredClone(loadFixture(name));
}

export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}
