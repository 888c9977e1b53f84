// PostgreSQL directory: users, API keys and the audit log.
import type pg from "pg";
import { queryRows } from "./postgres-pool.js";
import type { ApiKeyRow, AuditEntry, Directory, UserRow } from "./storage.js";

export class PostgresDirectory implements Directory {
  constructor(private readonly pool: pg.Pool) {}

  async users(): Promise<UserRow[]> {
    const rows = await queryRows<{ user_id: string; display_name: string; is_admin: boolean; created_at: string; shard: number | null }>(
      this.pool,
      "SELECT user_id, display_name, is_admin, created_at, shard FROM users ORDER BY created_at, user_id",
    );
    return rows.map((r) => ({
      userId: r.user_id,
      displayName: r.display_name,
      isAdmin: r.is_admin,
      createdAt: Number(r.created_at),
      ...(r.shard === null ? {} : { shard: r.shard }),
    }));
  }

  async insertUser(user: UserRow): Promise<void> {
    await this.pool.query("INSERT INTO users (user_id, display_name, is_admin, created_at, shard) VALUES ($1, $2, $3, $4, $5)", [
      user.userId,
      user.displayName,
      user.isAdmin,
      user.createdAt,
      user.shard ?? null,
    ]);
  }

  async apiKeys(): Promise<ApiKeyRow[]> {
    const rows = await queryRows<{
      key_id: string;
      user_id: string;
      key_hash: string;
      label: string;
      created_at: string;
      revoked_at: string | null;
    }>(this.pool, "SELECT key_id, user_id, key_hash, label, created_at, revoked_at FROM api_keys");
    return rows.map((r) => ({
      keyId: r.key_id,
      userId: r.user_id,
      keyHash: r.key_hash,
      label: r.label,
      createdAt: Number(r.created_at),
      revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    }));
  }

  async insertApiKey(key: ApiKeyRow): Promise<void> {
    await this.pool.query(
      "INSERT INTO api_keys (key_id, user_id, key_hash, label, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
      [key.keyId, key.userId, key.keyHash, key.label, key.createdAt, key.revokedAt],
    );
  }

  async revokeApiKey(keyId: string, time: number): Promise<boolean> {
    const result = await this.pool.query("UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL", [time, keyId]);
    return (result.rowCount ?? 0) > 0;
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.pool.query("INSERT INTO audit_log (time, actor, action, detail) VALUES ($1, $2, $3, $4)", [
      entry.time,
      entry.actor,
      entry.action,
      JSON.stringify(entry.detail),
    ]);
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    const rows = await queryRows<{ time: string; actor: string; action: string; detail: string }>(
      this.pool,
      "SELECT time, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT $1",
      [limit],
    );
    return rows.map((r) => ({
      time: Number(r.time),
      actor: r.actor,
      action: r.action,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }
}
