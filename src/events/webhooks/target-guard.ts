import dns from "node:dns";
import net from "node:net";
import type { LookupFunction } from "node:net";

/** A refused webhook target (message is safe to show to the admin who configured it). */
export class TargetRefusedError extends Error {}

const V4_BLOCKS: [string, number][] = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], // private
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata)
  ["100.64.0.0", 10], // CGNAT
  ["192.0.0.0", 24], // IETF protocol assignments
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], ["240.0.0.0", 4], // multicast, reserved, broadcast
];
const V6_BLOCKS: [string, number][] = [
  ["::", 128], ["::1", 128], // unspecified, loopback
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
];

const blocks = new net.BlockList();
for (const [a, p] of V4_BLOCKS) blocks.addSubnet(a, p, "ipv4");
for (const [a, p] of V6_BLOCKS) blocks.addSubnet(a, p, "ipv6");

/** An IPv6 address carrying an IPv4 one (::ffff:a.b.c.d mapped, ::a.b.c.d compatible, 64:ff9b::/96 NAT64): that IPv4 address. */
function embeddedV4(ip: string): string | null {
  const m = /^(?:::ffff:(?:0:)?|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1];
  const hex = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!hex) return null;
  const hi = parseInt(hex[1], 16), lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether an IP address is loopback, private, link-local, CGNAT, unspecified, multicast or reserved (or maps to one). */
export function isPrivateAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return blocks.check(ip, "ipv4");
  if (family === 6) {
    const v4 = embeddedV4(ip.toLowerCase());
    if (v4 && net.isIPv4(v4)) return blocks.check(v4, "ipv4");
    return blocks.check(ip, "ipv6");
  }
  return true; // not an address at all: refuse
}

/** Parses and checks the syntax of a webhook URL (http or https, a host, no credentials). */
export function parseTargetUrl(raw: string): URL {
  let url: URL;
  try { url = new URL(raw); } catch { throw new TargetRefusedError("not a valid URL"); }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TargetRefusedError("only http and https URLs are allowed");
  if (!url.hostname) throw new TargetRefusedError("the URL has no host");
  if (url.username || url.password) throw new TargetRefusedError("credentials in the URL are not allowed (the signature authenticates requests)");
  if (raw.length > 2048) throw new TargetRefusedError("the URL is longer than 2048 characters");
  return url;
}

type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolve: Resolver = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/** URL hostname without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Refuses a URL whose host is, or resolves to, a non-public address (every
 * address it resolves to must be public) unless private targets are allowed.
 * At create/update time; connections are checked again by `guardedLookup`.
 */
export async function checkTarget(raw: string, allowPrivate: boolean, resolve: Resolver = systemResolve): Promise<URL> {
  const url = parseTargetUrl(raw);
  if (allowPrivate) return url;
  const host = bareHost(url);
  if (net.isIP(host)) {
    if (isPrivateAddress(host)) throw new TargetRefusedError(`${host} is a loopback, private or link-local address (set WEBHOOK_ALLOW_PRIVATE=true to allow)`);
    return url;
  }
  let addresses: { address: string }[];
  try { addresses = await resolve(host); } catch { throw new TargetRefusedError(`the host ${host} does not resolve`); }
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (!addresses.length) throw new TargetRefusedError(`the host ${host} does not resolve`);
  if (bad) throw new TargetRefusedError(`the host ${host} resolves to ${bad.address}, a loopback, private or link-local address (set WEBHOOK_ALLOW_PRIVATE=true to allow)`);
  return url;
}

/**
 * A `lookup` for http(s).Agent: resolves once, refuses the connection if ANY
 * address is non-public, and hands the socket exactly the addresses it
 * checked — no second resolution between check and connect (DNS rebinding).
 * Literal IP hosts do not go through lookup: the sender checks those itself.
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then((all) => {
      if (!all.length) throw Object.assign(new Error(`${hostname} does not resolve`), { code: "ENOTFOUND" });
      const bad = allowPrivate ? undefined : all.find((a) => isPrivateAddress(a.address));
      if (bad) throw Object.assign(new TargetRefusedError(`${hostname} resolves to ${bad.address}, a non-public address`), { code: "EPRIVATE" });
      const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
      const list = wanted.length ? wanted : all;
      if (options.all) callback(null, list.map((a) => ({ address: a.address, family: a.family })));
      else callback(null, list[0].address, list[0].family);
    }).catch((err: NodeJS.ErrnoException) => callback(err, "", 0));
  };
}
