import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";

export interface SigningKey {
  /** The raw 32-byte Ed25519 public key, base64: what `decree keys` shows and verifiers pin. */
  publicKey: string;
  /** A short stable id: the first 8 bytes of SHA-256 of the public key, hex. */
  keyId: string;
  sign(data: Uint8Array): Buffer;
}

const registryKeyId = 1;

/** The registry's Ed25519 key (RFC 8032), created on first use and kept in the store. */
export async function registrySigningKey(db: Kysely<Database>, now = new Date()): Promise<SigningKey> {
  // Key 1 is the registry's key. Two instances starting together on one PostgreSQL may both generate one;
  // the first insert wins and both read it back, so every instance signs with the same key.
  const row = await inTransaction(db, async (trx) => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    await trx
      .insertInto("signing_keys")
      .values({
        id: registryKeyId,
        algorithm: "ed25519",
        public_key: rawPublicKey(publicKey).toString("base64"),
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        created_at: now.toISOString(),
      })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
    return trx
      .selectFrom("signing_keys")
      .selectAll()
      .where("id", "=", registryKeyId)
      .executeTakeFirstOrThrow();
  });
  const privateKey = createPrivateKey(row.private_key);
  return {
    publicKey: row.public_key,
    keyId: keyIdOf(row.public_key),
    sign: (data) => sign(null, data, privateKey),
  };
}

/** Checks a detached signature against a base64 raw public key, as a feed's consumer would. */
export function verifySignature(publicKeyBase64: string, data: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKeyBase64, "base64").toString("base64url") },
    format: "jwk",
  });
  return verify(null, data, key, signature);
}

function rawPublicKey(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: "jwk" }).x as string, "base64url");
}

function keyIdOf(publicKeyBase64: string): string {
  return createHash("sha256").update(Buffer.from(publicKeyBase64, "base64")).digest("hex").slice(0, 16);
}
