import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { serverAudits } from "graphql-http";
import { startTestApp, TestApp } from "./helpers/app";

// The GraphQL-over-HTTP specification's server audits (graphql-http): no MUST may fail.
let app: TestApp;
before(async () => { app = await startTestApp(); });
after(async () => { await app?.stop(); });

test("GraphQL-over-HTTP audits: every MUST passes", async () => {
  const audits = serverAudits({
    url: `${app.url}/graphql`,
    fetchFn: (input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set("authorization", `Bearer ${app.token}`);
      return fetch(input, { ...init, headers });
    },
  });
  const failures: string[] = [];
  for (const audit of audits) {
    const result = await audit.fn();
    if (result.status === "error" && audit.name.startsWith("MUST")) failures.push(`${audit.name}: ${result.reason}`);
  }
  assert.deepEqual(failures, []);
});
