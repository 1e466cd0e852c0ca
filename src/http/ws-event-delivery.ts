import {
  createSourceEventStream, DocumentNode, execute, ExecutionArgs, ExecutionResult, FieldNode, getOperationAST, GraphQLError, Kind,
  subscribe, visit,
} from "graphql";
import WebSocket from "ws";
import { AuthInfo } from "../common/auth";
import { Context } from "../context";
import { EventSink, EventSubscription, Rendered, type LogEvent } from "../events";
import { eventRenderings } from "../common/metrics";

/** Bytes buffered on a socket above which a subscriber waits for it to drain (its queue grows meanwhile, up to its limit). */
const HIGH_WATER = 256 * 1024;
const TEXT = { binary: false };
const CLOSE = Buffer.from("}");

export interface DeliveryTarget { socket: WebSocket; id: string; query: string; auth: AuthInfo }

export interface EventDeliveryOptions {
  /** A fresh execution context for a token (loaders included): one per group and tick, shared by the group's subscribers. */
  context(auth: AuthInfo): Context;
  /** The masking of errors that HTTP and graphql-ws's onNext apply. */
  formatErrors(errors: readonly GraphQLError[]): unknown[];
}

/**
 * Subscribers that asked for the same thing — same document and operation,
 * same values of the variables the selection uses (the root field's `filter`
 * and `after` only route events, they do not shape them), same scopes and
 * organization limits — share one GraphQL execution and one JSON
 * serialization per event. The organization limits are part of the key, so a
 * limited token never shares a rendering with a token that sees more.
 */
interface Group {
  key: string;
  args: ExecutionArgs;
  auth: AuthInfo;
  members: number;
  /** Renderings of this tick (cleared on the next): what one dispatch of a batch shares. */
  memo: Map<bigint, Rendered>;
  ctx: Context | undefined;
  flush: boolean;
}

/**
 * graphql-ws's `subscribe`: a findingEvents subscription on a WebSocket is
 * delivered directly — events rendered once per group and written to the
 * socket by the subscription (no per-subscriber execution, serialization or
 * promise chain); the iterator graphql-ws follows only reports the end.
 * Every other operation goes through graphql-js as usual.
 */
export function createEventDelivery(options: EventDeliveryOptions) {
  const groups = new Map<string, Group>();
  const targets = new WeakMap<object, DeliveryTarget>();

  function groupFor(args: ExecutionArgs, t: DeliveryTarget): Group | null {
    const used = variablesShapingTheResult(args.document, args.operationName);
    if (!used) return null;
    const values = args.variableValues ?? {};
    const shaping = [...used].sort().map((name) => [name, values[name] ?? null]);
    const key = JSON.stringify([t.query, args.operationName ?? null, shaping, [...t.auth.scopes].sort(), t.auth.organizationIds ? [...t.auth.organizationIds].sort() : null]);
    let g = groups.get(key);
    if (!g) { g = { key, args: { ...args, contextValue: undefined }, auth: t.auth, members: 0, memo: new Map(), ctx: undefined, flush: false }; groups.set(key, g); }
    g.members++;
    return g;
  }

  function render(g: Group, e: LogEvent): Rendered {
    const hit = g.memo.get(e.seq);
    if (hit) return hit;
    const r: Rendered = { payload: null, waiters: null };
    g.memo.set(e.seq, r);
    eventRenderings.inc();
    if (!g.flush) { g.flush = true; setImmediate(() => { g.memo.clear(); g.ctx = undefined; g.flush = false; }); }
    const done = (result: ExecutionResult) => {
      r.payload = serialize(result);
      const w = r.waiters;
      r.waiters = null;
      if (w) for (const f of w) f();
    };
    try {
      const result = execute({ ...g.args, rootValue: e, contextValue: (g.ctx ??= options.context(g.auth)) });
      if (result instanceof Promise) result.then(done, (err: unknown) => done({ errors: [asGraphQLError(err)] }));
      else done(result);
    } catch (err) {
      done({ errors: [asGraphQLError(err)] });
    }
    return r;
  }

  function serialize(result: ExecutionResult): Buffer {
    const { errors, ...rest } = result;
    return Buffer.from(JSON.stringify(errors?.length ? { ...rest, errors: options.formatErrors(errors) } : rest));
  }

  function sinkFor(g: Group, t: DeliveryTarget): EventSink {
    const prefix = Buffer.from(`{"id":${JSON.stringify(t.id)},"type":"next","payload":`);
    const socket = t.socket;
    let resumeOnDrain: (() => void) | null = null;
    const sent = () => {
      if (resumeOnDrain && socket.bufferedAmount < HIGH_WATER / 2) { const f = resumeOnDrain; resumeOnDrain = null; f(); }
    };
    return {
      render: (e) => render(g, e),
      write(r, resume) {
        if (socket.readyState !== WebSocket.OPEN) return true; // closing: graphql-ws ends the subscription
        socket.send(Buffer.concat([prefix, r.payload!, CLOSE]), TEXT, sent);
        if (socket.bufferedAmount < HIGH_WATER) return true;
        resumeOnDrain = resume;
        return false;
      },
    };
  }

  return {
    /** Marks an execution (by its contextValue) as a subscription on this socket, with this id, query and token. */
    register(contextValue: object, target: DeliveryTarget): void { targets.set(contextValue, target); },

    async subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
      const target = targets.get(args.contextValue as object);
      if (!target || rootFieldOf(args.document, args.operationName)?.name.value !== "findingEvents") return subscribe(args);
      const stream = await createSourceEventStream(args);
      if (!(stream instanceof EventSubscription)) {
        if (!(Symbol.asyncIterator in stream)) return stream; // errors (auth, bad cursor)
        return mapEvents(stream as AsyncIterable<unknown>, args);
      }
      const g = groupFor(args, target);
      if (!g) return mapEvents(stream, args);
      stream.onClose(() => { if (--g.members === 0) groups.delete(g.key); });
      stream.attach(sinkFor(g, target));
      // Yields nothing once attached: its next() settles when the subscription ends (done) or fails (the error).
      return stream as unknown as AsyncIterable<ExecutionResult>;
    },

    /** Groups of subscribers sharing renderings (for tests and metrics). */
    get groupCount(): number { return groups.size; },
  };
}

/** The standard mapping of a source stream (graphql-js's subscribe), for what is not delivered directly. */
async function* mapEvents(stream: AsyncIterable<unknown>, args: ExecutionArgs): AsyncGenerator<ExecutionResult> {
  for await (const payload of stream) yield await execute({ ...args, rootValue: payload });
}

function rootFieldOf(document: DocumentNode, operationName: string | null | undefined): FieldNode | null {
  const op = getOperationAST(document, operationName);
  const first = op?.operation === "subscription" ? op.selectionSet.selections[0] : undefined;
  return first?.kind === Kind.FIELD ? first : null;
}

/**
 * The variables that can change what an event renders to: all used in the
 * operation and its fragments except inside the root field's own arguments.
 * Null (no sharing) when the root field is not a plain field selection.
 */
function variablesShapingTheResult(document: DocumentNode, operationName: string | null | undefined): Set<string> | null {
  const op = getOperationAST(document, operationName);
  const root = rootFieldOf(document, operationName);
  if (!op || !root || op.selectionSet.selections.length !== 1) return null;
  const used = new Set<string>();
  const collect = { Variable(node: { name: { value: string } }) { used.add(node.name.value); } };
  visit({ ...root, arguments: [] }, collect);
  for (const d of op.directives ?? []) visit(d, collect);
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) visit(def, collect);
  return used;
}

function asGraphQLError(err: unknown): GraphQLError {
  return err instanceof GraphQLError ? err : new GraphQLError(err instanceof Error ? err.message : String(err), { originalError: err instanceof Error ? err : undefined });
}
