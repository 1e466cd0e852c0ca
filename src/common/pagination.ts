import { ClassType, Field, Int, ObjectType } from "type-graphql";
import { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { LimitExceededError, UserInputError } from "./errors";

@ObjectType("PageInfo", { description: "Relay page information." })
export class PageInfo {
  @Field(() => Boolean) hasNextPage: boolean;
  @Field(() => Boolean) hasPreviousPage: boolean;
  @Field(() => String, { nullable: true }) startCursor: string | null;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

export interface Edge<T> { cursor: string; node: T }

/** What every connection resolves to; `totalCount` runs its query only when selected. */
export class ConnectionResult<T> {
  constructor(
    public edges: Edge<T>[],
    public pageInfo: PageInfo,
    private readonly count: () => Promise<number>,
  ) {}
  get nodes(): T[] { return this.edges.map((e) => e.node); }
  get totalCount(): Promise<number> { return this.count(); }
}

export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String, { description: "Opaque keyset cursor." }) cursor: string;
    @Field(() => node) node: T;
  }
  @ObjectType(`${name}Connection`, { description: `A page of ${name} objects.` })
  class ConnectionType {
    @Field(() => [EdgeType]) edges: EdgeType[];
    @Field(() => [node]) nodes: T[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    @Field(() => Int, { description: "Number of objects matching the filter (computed only when asked)." }) totalCount: number;
  }
  return ConnectionType;
}

export interface PageArgs { first?: number | null; after?: string | null; last?: number | null; before?: string | null }

export interface SortKey<T> {
  /** Name that cursors carry, so a cursor of another ordering is refused. */
  name: string;
  /** SQL expression of the sort column (e.g. `f.priority_score`). */
  column: string;
  /** SQL cast for the cursor value: "int", "timestamptz", "text". */
  cast: "int" | "bigint" | "timestamptz" | "text" | "real";
  direction: "ASC" | "DESC";
  /** The sort value of an entity, as stored in cursors. */
  value: (row: T) => string | number | null;
  /** SQL expression of the unique tie-breaker column (default `<alias>.id`). */
  idColumn: string;
  /** For a computed sort expression: the property under which each row gets the value (selected with the page), for `value`. */
  selectAs?: string;
}

interface CursorData { k: string; v: string | number | null; i: string }

export function encodeCursor(key: string, value: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify({ k: key, v: value, i: id } satisfies CursorData)).toString("base64url");
}

function decodeCursor(cursor: string, key: string, argName: string): CursorData {
  let data: unknown;
  try {
    if (cursor.length > 512) throw new Error("too long");
    data = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new UserInputError(`${argName}: not a valid cursor`);
  }
  const d = data as CursorData;
  if (!d || typeof d !== "object" || typeof d.i !== "string" || !("v" in d)) throw new UserInputError(`${argName}: not a valid cursor`);
  if (d.k !== key) throw new UserInputError(`${argName}: the cursor belongs to another ordering (${String(d.k)}), not ${key}`);
  return d;
}

/** Validates first/last against the cap: over the cap is an error, never a silent cut. */
export function pageSize(args: PageArgs, maxPageSize: number, defaultSize = 20): { size: number; backward: boolean } {
  if (args.first != null && args.last != null) throw new UserInputError("Pass either first or last, not both");
  const n = args.last ?? args.first ?? defaultSize;
  const argName = args.last != null ? "last" : "first";
  if (!Number.isInteger(n) || n < 0) throw new UserInputError(`${argName} must be a non-negative integer`);
  if (n > maxPageSize) throw new LimitExceededError(`${argName}: ${n} is over the page size limit of ${maxPageSize}`, "pageSize");
  return { size: n, backward: args.last != null };
}

let paramSeq = 0;

// Column types whose pg value is what TypeORM would hydrate (not "date", enums, simple-json, ...).
const PLAIN_TYPES = new Set(["uuid", "varchar", "text", "integer", "int", "smallint", "real", "boolean", "timestamptz", "jsonb", "bigint"]);
const columnMaps = new Map<string, [string, string][]>();

/** A raw column selected beside the entity's own (addSelect … AS alias), copied onto each row as `property`. */
export interface Extra { alias: string; property: string }

/**
 * `getMany()` for a query of one entity's columns (joins only to filter or to
 * select extras), without TypeORM's generic hydration (alias rewriting,
 * per-column transformers, relation maps): that took ~25% of the server CPU
 * of a 50-finding page in a profile. Rows become instances of the entity
 * class, so getters (`id`, `location`) work. Anything with selected joins or
 * relation attributes takes the ordinary path.
 */
export async function manyOf<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, extras: readonly Extra[] = []): Promise<T[]> {
  const em = qb.expressionMap;
  const meta = em.mainAlias?.hasMetadata ? em.mainAlias.metadata : undefined;
  const copy = (e: Record<string, unknown>, r: Record<string, unknown> | undefined) => { for (const x of extras) e[x.property] = r?.[x.alias]; };
  const generic = async () => {
    if (!extras.length) return qb.getMany();
    const { entities, raw } = await qb.getRawAndEntities();
    entities.forEach((e, i) => copy(e as Record<string, unknown>, raw[i]));
    return entities;
  };
  if (!meta || em.joinAttributes.some((j) => j.isSelected) || em.relationIdAttributes.length
      || meta.columns.some((c) => c.transformer || c.relationMetadata || c.embeddedMetadata || !PLAIN_TYPES.has(String(c.type)))) return generic();
  const key = `${meta.name}\u0000${em.mainAlias!.name}`;
  const cols = columnMaps.get(key) ?? meta.columns.map((c): [string, string] => [`${em.mainAlias!.name}_${c.databaseName}`, c.propertyName]);
  const [sql, params] = qb.getQueryAndParameters();
  const raw: Record<string, unknown>[] = await qb.connection.query(sql, params);
  if (!columnMaps.has(key) && raw.length) {
    // First use: make sure the driver named every column as expected (long names get hashed aliases).
    if (!cols.every(([k]) => k in raw[0])) return generic();
    columnMaps.set(key, cols);
  }
  const proto = (meta.target as { prototype: object }).prototype;
  return raw.map((r) => {
    const e = Object.create(proto) as Record<string, unknown>;
    for (const [k, p] of cols) e[p] = r[k];
    copy(e, r);
    return e as T;
  });
}

/**
 * Keyset pagination over a query builder: `(sort, id) < (cursor)` on an index,
 * never OFFSET. The count callback reuses the filtered query without ordering,
 * unless the caller has a cheaper one (`options.count`).
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  sort: SortKey<T>,
  args: PageArgs,
  maxPageSize: number,
  options: { extras?: readonly Extra[]; count?: () => Promise<number> } = {},
): Promise<ConnectionResult<T>> {
  const countQb = options.count ? null : qb.clone();
  const { size, backward } = pageSize(args, maxPageSize);
  const cursorArg = backward ? args.before : args.after;
  const argName = backward ? "before" : "after";
  // Walking backward reverses the order, then the page is flipped back.
  const dir = backward ? (sort.direction === "ASC" ? "DESC" : "ASC") : sort.direction;
  const cmp = dir === "ASC" ? ">" : "<";
  if (cursorArg) {
    const c = decodeCursor(cursorArg, sort.name, argName);
    const p = `kc${++paramSeq}`;
    if (c.v === null) {
      // NULLs sort last ascending (first descending) in PostgreSQL.
      qb.andWhere(`(${sort.column} IS NULL AND ${sort.idColumn} ${cmp} :${p}i::uuid)`, { [`${p}i`]: c.i });
    } else {
      const nulls = dir === "ASC" ? ` OR ${sort.column} IS NULL` : "";
      qb.andWhere(`((${sort.column}, ${sort.idColumn}) ${cmp} (:${p}v::${sort.cast}, :${p}i::uuid)${nulls})`, { [`${p}v`]: c.v, [`${p}i`]: c.i });
    }
  }
  qb.orderBy(sort.column, dir).addOrderBy(sort.idColumn, dir).limit(size + 1);
  const extras = [...(options.extras ?? [])];
  if (sort.selectAs) { extras.push({ alias: "pg_sort_value", property: sort.selectAs }); qb.addSelect(sort.column, "pg_sort_value"); }
  const rows = size === 0 ? [] : await manyOf(qb, extras);
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (backward) page.reverse();
  const edges = page.map((node) => ({ node, cursor: encodeCursor(sort.name, sort.value(node), (node as unknown as { id: string }).id) }));
  const pageInfo: PageInfo = {
    hasNextPage: backward ? !!args.before : more,
    hasPreviousPage: backward ? more : !!args.after,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  };
  let counted: Promise<number> | undefined;
  return new ConnectionResult(edges, pageInfo, () => (counted ??= options.count ? options.count() : countQb!.orderBy().getCount()));
}
