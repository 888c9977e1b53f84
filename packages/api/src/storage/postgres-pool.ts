// Connections to PostgreSQL: the settings every session opens with, and the two ways of querying.
import type pg from "pg";

/** Runs `work` in one transaction on one pooled connection. */
export async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  // A connection the server ends while the transaction is open (idle_in_transaction_session_timeout
  // after this process froze, a restart) fails the query under way; its error event, which the
  // pool listens to only on idle connections, must not end the process.
  const ignore = () => undefined;
  client.on("error", ignore);
  try {
    await client.query("BEGIN");
    await work(client);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.removeListener("error", ignore);
    client.release();
  }
}

export async function queryRows<T>(pool: pg.Pool, sql: string, args: unknown[] = []): Promise<T[]> {
  return (await pool.query(sql, args)).rows as T[];
}

/**
 * Every pooled connection opens with this server's schema on its search path and synchronous
 * commit on, as startup options: set by a query on connect instead, the first query of whoever
 * took the connection would be sent while that one still ran. An `options` parameter in the
 * connection string would replace the pool's own, so there ours are added to it.
 */
export function sessionSettings(connectionString: string, schema: string, idleInTransactionMs?: number): pg.PoolConfig {
  const idle = idleInTransactionMs === undefined ? "" : ` -c idle_in_transaction_session_timeout=${Math.round(idleInTransactionMs)}`;
  const settings = `-c search_path=${schema} -c synchronous_commit=on${idle}`;
  const url = URL.canParse(connectionString) ? new URL(connectionString) : undefined;
  const theirs = url?.searchParams.get("options");
  if (url === undefined || !theirs) return { connectionString, options: settings };
  url.searchParams.set("options", `${theirs} ${settings}`);
  return { connectionString: url.toString() };
}
