// One server per database. Two servers writing one journal would each take the other's batches
// for their own; so a server claims its database before it reads or changes anything, and the
// claim is a lock the operating system (SQLite) or the database server (PostgreSQL) drops when
// its holder dies: a SIGKILLed server's successor starts at once, with nothing to clean up by hand.
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

/** Another server holds the database. */
export class DatabaseInUseError extends Error {
  constructor(what: string, holder: string | null) {
    super(
      `${what} is in use by another server${holder === null ? "" : ` (${holder})`}; stop it first, or give this one a database of its own`,
    );
    this.name = "DatabaseInUseError";
  }
}

/** A held claim; `release` lets the next server in. */
export interface DatabaseLock {
  release(): Promise<void>;
}

/** Who is asking, as the next server will be told: process id, host and start time. */
function describeThisProcess(): string {
  return `process ${process.pid} on ${hostname()}, since ${new Date().toISOString()}`;
}

/**
 * The data file's lock: an exclusive transaction held open on `<file>.lock`, a SQLite database of
 * its own that is never written. SQLite locks with POSIX advisory locks, which the kernel releases
 * when the process ends however it ends. Who holds it is written beside, in `<file>.owner`; that
 * file is only ever read for the message, the lock alone decides.
 */
export function lockSqliteFile(file: string): DatabaseLock {
  const lock = new Database(`${file}.lock`);
  lock.pragma("busy_timeout = 0");
  try {
    lock.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
    throw new DatabaseInUseError(`the data directory ${path.dirname(path.resolve(file))}`, readOwner(`${file}.owner`));
  }
  writeFileSync(`${file}.owner`, describeThisProcess());
  return {
    async release() {
      if (lock.open) lock.close();
    },
  };
}

function readOwner(ownerFile: string): string | null {
  try {
    return readFileSync(ownerFile, "utf8").slice(0, 200);
  } catch {
    return null;
  }
}

/** The advisory lock's first key: this program's servers (the second key is the schema's hash). */
const SERVER_LOCK_CLASS = 0x7472_6164; // "trad"

/**
 * The schema's lock: a session-level advisory lock on a connection of its own, which PostgreSQL
 * releases when that connection ends (the process died, or the network between them). The holder
 * names itself in `application_name`, which the next server reads from `pg_stat_activity`.
 * `onLost` is told when the connection ends while held: from then on another server may take the
 * schema, so the holder must stop acknowledging.
 */
export async function lockPostgresSchema(config: pg.ClientConfig, schema: string, onLost: (error: Error) => void): Promise<DatabaseLock> {
  // PostgreSQL keeps 63 bytes of the name; the start time comes from backend_start.
  const client = new pg.Client({ ...config, application_name: `trading server, process ${process.pid} on ${hostname()}`.slice(0, 63) });
  await client.connect();
  const taken = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok", [SERVER_LOCK_CLASS, schema]);
  if (taken.rows[0]?.ok !== true) {
    const holder = await client.query<{ application_name: string; client_addr: string | null; since: string }>(
      `SELECT a.application_name, a.client_addr::text, to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = (hashtext($2)::bigint & 4294967295)::oid AND l.objsubid = 2`,
      [SERVER_LOCK_CLASS, schema],
    );
    await client.end();
    const row = holder.rows[0];
    const who =
      row === undefined ? null : `${row.application_name}${row.client_addr === null ? "" : ` at ${row.client_addr}`}, since ${row.since}`;
    throw new DatabaseInUseError(`the PostgreSQL schema ${schema}`, who);
  }
  let released = false;
  const lost = (error: Error) => {
    if (!released) onLost(error);
    released = true;
  };
  client.on("error", lost);
  client.on("end", () => lost(new Error("the connection holding the database lock ended")));
  return {
    async release() {
      released = true;
      await client.end().catch(() => undefined);
    },
  };
}
