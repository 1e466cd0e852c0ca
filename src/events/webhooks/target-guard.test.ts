import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { AddressInfo } from "node:net";
import { checkTarget, guardedLookup, isPrivateAddress, TargetRefusedError } from "./target-guard";
import { WebhookTransport } from "./transport";

test("non-public addresses are recognised, IPv4-mapped IPv6 included", () => {
  const refused = [
    "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.255",
    "0.0.0.0", "::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:7f00:1",
    "::ffff:169.254.169.254", "64:ff9b::10.0.0.1", "224.0.0.1", "255.255.255.255", "not-an-ip",
  ];
  const allowed = ["8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.63.255.255", "100.128.0.1", "192.169.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "fec0::1"];
  for (const ip of refused) assert.equal(isPrivateAddress(ip), true, ip);
  for (const ip of allowed) assert.equal(isPrivateAddress(ip), false, ip);
});

const resolver = (map: Record<string, string[]>) => async (host: string) => {
  const list = map[host];
  if (!list) throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
  return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

test("checkTarget: only http(s); literal and resolved private hosts refused unless allowed", async () => {
  const dns = resolver({ "public.example": ["93.184.216.34"], "rebind.example": ["93.184.216.34", "10.0.0.5"], "v6.example": ["::1"] });
  await assert.doesNotReject(checkTarget("https://public.example/hook", false, dns));
  await assert.doesNotReject(checkTarget("http://8.8.8.8:8080/x", false, dns));
  for (const url of ["ftp://public.example/", "file:///etc/passwd", "javascript:alert(1)", "not a url", "https://user:pw@public.example/"]) {
    await assert.rejects(checkTarget(url, false, dns), TargetRefusedError, url);
  }
  for (const url of ["http://127.0.0.1/", "http://[::1]:8080/", "http://169.254.169.254/latest/meta-data", "http://[::ffff:127.0.0.1]/",
    "http://rebind.example/", "http://v6.example/", "http://localhost.invalid/"]) {
    await assert.rejects(checkTarget(url, false, dns), TargetRefusedError, url);
  }
  await assert.doesNotReject(checkTarget("http://127.0.0.1:9/", true, dns));
});

test("guardedLookup refuses when any address is private and hands out exactly the checked ones", async () => {
  const dns = resolver({ "public.example": ["93.184.216.34", "2606:2800:220:1::1"], "mixed.example": ["93.184.216.34", "127.0.0.1"] });
  const lookup = guardedLookup(false, dns);
  const call = (host: string, opts: object) => new Promise<unknown>((resolve, reject) => {
    lookup(host, opts as never, (err, address, family) => (err ? reject(err) : resolve(Array.isArray(address) ? address : { address, family })));
  });
  assert.deepEqual(await call("public.example", { all: true }), [{ address: "93.184.216.34", family: 4 }, { address: "2606:2800:220:1::1", family: 6 }]);
  assert.deepEqual(await call("public.example", { family: 4 }), { address: "93.184.216.34", family: 4 });
  await assert.rejects(call("mixed.example", { all: true }), /non-public/);
  await assert.rejects(call("mixed.example", {}), /non-public/);
  assert.deepEqual(await new Promise((resolve) => guardedLookup(true, dns)("mixed.example", { all: true } as never, (_e, a) => resolve(a))),
    [{ address: "93.184.216.34", family: 4 }, { address: "127.0.0.1", family: 4 }]);
});

test("the transport refuses loopback at connect time, follows no redirect and times out", async () => {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    if (req.url === "/redirect") { res.writeHead(302, { location: "/ok" }); res.end(); return; }
    if (req.url === "/slow") { setTimeout(() => res.end("late"), 1000); return; }
    res.end("x".repeat(2000));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const strict = new WebhookTransport({ timeoutMs: 200, allowPrivate: false });
  const open = new WebhookTransport({ timeoutMs: 200, allowPrivate: true });
  try {
    const refusedIp = await strict.post(`http://127.0.0.1:${port}/ok`, {}, "{}");
    assert.equal(refusedIp.status, null);
    assert.match(refusedIp.error!, /refused/);
    const refusedName = await strict.post(`http://localhost:${port}/ok`, {}, "{}");
    assert.equal(refusedName.status, null);
    assert.match(refusedName.error!, /refused|non-public/);
    assert.equal(hits, 0, "nothing reached the loopback receiver");
    const ok = await open.post(`http://127.0.0.1:${port}/ok`, {}, "{}");
    assert.equal(ok.status, 200);
    assert.equal(ok.excerpt!.length, 512);
    const redirect = await open.post(`http://127.0.0.1:${port}/redirect`, {}, "{}");
    assert.equal(redirect.status, 302);
    assert.equal(hits, 2, "the redirect was not followed");
    const slow = await open.post(`http://127.0.0.1:${port}/slow`, {}, "{}");
    assert.equal(slow.status, null);
    assert.match(slow.error!, /timed out/);
  } finally {
    strict.close(); open.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
