// SQLite directory: users, API keys and the audit log.
import type Database from "better-sqlite3";
import type { ApiKeyRow, AuditEntry, Directory, UserRow } from "./storage.js";

export class SqliteDirectory implements Directory {
  constructor(private readonly db: Database.Database) {}

  async users(): Promise<UserRow[]> {
    const rows = this.db
      .prepare("SELECT user_id, display_name, is_admin, created_at FROM users ORDER BY created_at, user_id")
      .all() as Array<{
      user_id: string;
      display_name: string;
      is_admin: number;
      created_at: number;
    }>;
    return rows.map((r) => ({ userId: r.user_id, displayName: r.display_name, isAdmin: r.is_admin === 1, createdAt: r.created_at }));
  }

  async insertUser(user: UserRow): Promise<void> {
    this.db
      .prepare("INSERT INTO users (user_id, display_name, is_admin, created_at) VALUES (?, ?, ?, ?)")
      .run(user.userId, user.displayName, user.isAdmin ? 1 : 0, user.createdAt);
  }

  async apiKeys(): Promise<ApiKeyRow[]> {
    const rows = this.db.prepare("SELECT key_id, user_id, key_hash, label, created_at, revoked_at FROM api_keys").all() as Array<{
      key_id: string;
      user_id: string;
      key_hash: string;
      label: string;
      created_at: number;
      revoked_at: number | null;
    }>;
    return rows.map((r) => ({
      keyId: r.key_id,
      userId: r.user_id,
      keyHash: r.key_hash,
      label: r.label,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
    }));
  }

  async insertApiKey(key: ApiKeyRow): Promise<void> {
    this.db
      .prepare("INSERT INTO api_keys (key_id, user_id, key_hash, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(key.keyId, key.userId, key.keyHash, key.label, key.createdAt, key.revokedAt);
  }

  async revokeApiKey(keyId: string, time: number): Promise<boolean> {
    const r = this.db.prepare("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL").run(time, keyId);
    return r.changes > 0;
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.db
      .prepare("INSERT INTO audit_log (time, actor, action, detail) VALUES (?, ?, ?, ?)")
      .run(entry.time, entry.actor, entry.action, JSON.stringify(entry.detail));
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    const rows = this.db.prepare("SELECT time, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?").all(limit) as Array<{
      time: number;
      actor: string;
      action: string;
      detail: string;
    }>;
    return rows.map((r) => ({ time: r.time, actor: r.actor, action: r.action, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
