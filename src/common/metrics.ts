import client from "prom-client";

/** One registry per process; every counter the contract names lives here. */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const httpRequests = new client.Counter({
  name: "posturegraph_http_requests_total", help: "HTTP requests by route and status.", labelNames: ["route", "method", "status"], registers: [registry],
});
export const httpDuration = new client.Histogram({
  name: "posturegraph_http_request_duration_seconds", help: "HTTP request latency by route.", labelNames: ["route"],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
});
export const graphqlOperations = new client.Counter({
  name: "posturegraph_graphql_operations_total", help: "GraphQL operations by type and outcome.", labelNames: ["type", "outcome"], registers: [registry],
});
export const ingestedResults = new client.Counter({
  name: "posturegraph_ingested_results_total", help: "Scanner results ingested, by format.", labelNames: ["format"], registers: [registry],
});
export const syncRuns = new client.Counter({
  name: "posturegraph_sync_runs_total", help: "Connector sync runs by provider and status.", labelNames: ["provider", "status"], registers: [registry],
});
export const subscriptions = new client.Gauge({
  name: "posturegraph_subscriptions", help: "Open GraphQL subscriptions.", registers: [registry],
});
export const syncRequests = new client.Counter({
  name: "posturegraph_sync_requests_total", help: "Requests connectors made to their provider, by provider and API.", labelNames: ["provider", "api"], registers: [registry],
});
export const syncDuration = new client.Histogram({
  name: "posturegraph_sync_run_duration_seconds", help: "Connector sync run duration by provider.", labelNames: ["provider"],
  buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600], registers: [registry],
});
export const eventRenderings = new client.Counter({
  name: "posturegraph_event_renderings_total",
  help: "GraphQL executions + serializations of finding events for WebSocket subscribers; subscribers asking the same share one per event.",
  registers: [registry],
});
export const eventsDelivered = new client.Counter({
  name: "posturegraph_events_delivered_total", help: "Finding events delivered to subscribers (websocket) and pollers (http).", labelNames: ["transport"], registers: [registry],
});
export const eventSubscribersDropped = new client.Counter({
  name: "posturegraph_event_subscribers_dropped_total", help: "Event subscribers closed because their queue overflowed (too slow).", registers: [registry],
});
export const responseCache = new client.Counter({
  name: "posturegraph_graphql_response_cache_total", help: "GraphQL query responses served from the snapshot cache (hit) or executed (miss).", labelNames: ["result"], registers: [registry],
});
