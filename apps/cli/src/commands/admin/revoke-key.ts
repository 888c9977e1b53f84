// `trade admin revoke-key`: revokes an API key and closes its connections.
import type { Command } from "commander";
import type { Io } from "../../io.js";
import { define, show, withClient } from "../shared.js";

export function revokeKeyCommand(io: Io): Command {
  return define("revoke-key", "revoke an API key; its open connections are closed", ["trade admin revoke-key key_0123abcd"])
    .argument("<keyId>")
    .action(async (keyId: string, _o: unknown, command: Command) => {
      const result = await withClient(io, (c) => c.admin.revokeKey.mutate({ keyId }));
      show(io, command, result, () => `Revoked ${keyId}`);
    });
}
