import { EntityManager } from "typeorm";

/**
 * Runs `fn` with PostgreSQL settings changed for the caller's transaction and
 * puts the previous values back afterwards (the transaction goes on). On an
 * error the transaction is aborted and the settings go with it.
 */
export async function withLocalSettings<T>(em: EntityManager, settings: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const names = Object.keys(settings);
  const set = (values: string[]) => em.query(`SELECT ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(", ")}`,
    names.flatMap((k, i) => [k, values[i]]));
  const [before]: Record<string, string>[] = await em.query(`SELECT ${names.map((_, i) => `current_setting($${i + 1}) AS s${i}`).join(", ")}`, names);
  await set(names.map((k) => settings[k]));
  const result = await fn();
  await set(names.map((_, i) => before[`s${i}`]));
  return result;
}
