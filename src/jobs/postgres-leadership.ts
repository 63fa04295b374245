import pg from "pg";
import type { Leadership } from "./leadership.ts";

/**
 * The two keys of decree's advisory lock: "decr" and 1, the scheduler's jobs. Advisory locks live in one
 * database, so decree registries in other databases of the same server do not contend.
 */
const lockKeys = [0x64656372, 1] as const;

/**
 * Leadership on PostgreSQL by a session-level advisory lock (`pg_try_advisory_lock`) held on a connection of
 * its own. Chosen over a lease row because the server ends it for us: when the leader stops, crashes or loses
 * its connection, PostgreSQL drops the session and its lock at once, and another instance leads at its next
 * try; there is no expiry to tune, no clock to trust across machines, and no write every few seconds. The
 * price is one idle connection per instance, outside the pool (a pooled connection would carry the lock back
 * to the pool). The leader checks its connection before each run: a lost connection means the lock may be
 * someone else's.
 */
export function postgresLeadership(databaseUrl: string, onError?: (error: unknown) => void): Leadership {
  let client: pg.Client | undefined;
  let leading = false;

  const drop = () => {
    const old = client;
    client = undefined;
    leading = false;
    void old?.end().catch(() => {});
  };

  async function connect(): Promise<pg.Client> {
    const fresh = new pg.Client({
      connectionString: databaseUrl,
      application_name: "decree-jobs",
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    });
    // A broken connection means the server has released the lock: stop leading until it is taken again.
    fresh.on("error", (error) => {
      if (client === fresh) drop();
      onError?.(error);
    });
    fresh.on("end", () => {
      if (client === fresh) drop();
    });
    await fresh.connect();
    return fresh;
  }

  return {
    async lead() {
      try {
        client ??= await connect();
        if (leading) {
          await client.query("select 1");
          return leading;
        }
        const result = await client.query<{ locked: boolean }>(
          "select pg_try_advisory_lock($1, $2) as locked",
          [...lockKeys],
        );
        leading = result.rows[0]?.locked === true;
        return leading;
      } catch (error) {
        drop();
        onError?.(error);
        return false;
      }
    },
    async release() {
      const current = client;
      client = undefined;
      if (!current) return;
      try {
        if (leading) await current.query("select pg_advisory_unlock($1, $2)", [...lockKeys]);
      } finally {
        leading = false;
        await current.end().catch(() => {});
      }
    },
  };
}
