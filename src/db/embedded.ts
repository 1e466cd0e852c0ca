import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * The embedded database: PGlite served over the PostgreSQL wire protocol, so
 * the ordinary `pg` driver (with a pool of one) talks to it exactly as to a
 * server. PGlite is one session; with one connection a transaction holds the
 * session until it ends and no two transactions interleave (architecture.md).
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

// Unix socket paths are limited to ~104 bytes (sun_path); past that, loopback TCP.
const MAX_SOCKET_PATH = 100;

export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pgdata = path.join(dataDir, "pgdata");
  const db = await PGlite.create(pgdata);

  const socketDir = dataDir;
  const socketPath = path.join(socketDir, ".s.PGSQL.5432");
  const useSocket = socketPath.length <= MAX_SOCKET_PATH && process.platform !== "win32";
  // A socket file left by a killed process blocks the next start (EADDRINUSE).
  if (useSocket && fs.existsSync(socketPath)) fs.rmSync(socketPath, { force: true });

  const server = new PGLiteSocketServer(
    useSocket ? { db, path: socketPath, maxConnections: 1 } : { db, host: "127.0.0.1", port: 0, maxConnections: 1 },
  );
  await server.start();
  const url = useSocket
    ? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}&port=5432`
    : `postgres://postgres@${server.getServerConn()}/postgres`;

  return {
    url,
    async stop() {
      await server.stop();
      await db.close();
      if (useSocket) fs.rmSync(socketPath, { force: true });
    },
  };
}
