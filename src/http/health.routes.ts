import { Router } from "express";
import { DataSource } from "typeorm";
import { isMigrated } from "../db/database";
import { registry } from "../common/metrics";

/** Unauthenticated probes and metrics. */
export function healthRoutes(ds: DataSource): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => { res.json({ status: "ok" }); });
  router.get("/readyz", async (_req, res) => {
    try {
      await ds.query("SELECT 1");
      if (!(await isMigrated(ds))) {
        res.status(503).json({ status: "migrations pending" });
        return;
      }
      res.json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "database unreachable" });
    }
  });
  router.get("/metrics", async (_req, res) => {
    res.set("Content-Type", registry.contentType).send(await registry.metrics());
  });
  return router;
}
