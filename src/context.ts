import { DataSource } from "typeorm";
import { Config } from "./config/index";
import { Logger } from "./common/logger";
import { AccessScope, AuthInfo } from "./common/auth";
import { createLoaders, Loaders } from "./loaders/index";
import type { Services } from "./composition";

/** Per-request (or per-subscription) context: who, what they may see, and the loaders. */
export interface Context {
  auth: AuthInfo;
  access: AccessScope;
  loaders: Loaders;
  services: Services;
  config: Config;
  requestId: string;
  log: Logger;
  /** Where the request came from (audit log). */
  remoteAddress: string | null;
  /** Root fields this request used that needed the admin scope (noted by the auth checker, read by the audit plugin). */
  adminFields: string[];
  /** The operation's estimated cost (cost-limit.plugin.ts), kept with a cached response. */
  queryCost?: number;
  /** The database snapshot seen when the request was authenticated (response-cache.plugin.ts); absent on WebSockets. */
  snapshot?: string;
  /** The WebSocket of a subscription (to close a subscriber that falls behind). */
  connection?: { close(code: number, reason: string): void };
}

export function buildContext(ds: DataSource, services: Services, config: Config, auth: AuthInfo, requestId: string, log: Logger, remoteAddress: string | null = null, snapshot?: string): Context {
  const access: AccessScope = { organizationIds: auth.organizationIds };
  return {
    auth, access, loaders: createLoaders(ds, access, services), services, config, requestId, log: log.child({ requestId, tokenId: auth.tokenId }),
    remoteAddress, adminFields: [], snapshot,
  };
}
