import { Command } from "commander";
import { registrySigningKey } from "../../publish/signing-key.ts";
import { globalOptions, withStore } from "../cli-context.ts";
import { output } from "../output.ts";

/** The registry's public key, for whoever verifies feed signatures (`Decree-Signature`, `/feeds/<f>.sig`). */
export function keysCommand(): Command {
  return new Command("keys").action(async (_options: unknown, command: Command) => {
    const key = await withStore(command, (store) => registrySigningKey(store.db));
    const shown = { algorithm: "ed25519", keyId: key.keyId, publicKey: key.publicKey };
    output(globalOptions(command).json, shown, () =>
      [`key id      ${key.keyId}`, `public key  ${key.publicKey}  (ed25519, raw, base64)`].join("\n"),
    );
  });
}
