import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { DecreeError } from "../errors/decree-error.ts";

// scrypt at OWASP's minimum (Password Storage Cheat Sheet: N=2^17, r=8, p=1), which needs 128 MiB per hash;
// maxmem leaves room for it. The parameters are stored with each hash so that raising them later keeps old
// hashes verifiable.
const cost = { N: 2 ** 17, r: 8, p: 1 };
const keyLength = 32;
const maxmem = 256 * 1024 * 1024;

/** NIST SP 800-63B §3.1.1.2: length matters, composition rules do not; a long upper bound allows passphrases. */
export const passwordLength = { min: 12, max: 256 } as const;

export function checkPasswordPolicy(password: string): void {
  if (password.length < passwordLength.min || password.length > passwordLength.max) {
    throw new DecreeError(
      "USER_INVALID",
      `A password needs ${passwordLength.min} to ${passwordLength.max} characters; a passphrase of a few ` +
        "words is easy to remember and hard to guess.",
    );
  }
}

/** `scrypt$N$r$p$salt$hash`, salt (16 random bytes, one per user) and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
  checkPasswordPolicy(password);
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost);
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

/** True when `password` matches `stored`; compares in constant time. A malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash no password matches, verified when a login names an unknown or disabled account, so that the answer
 * takes as long as for a known one and does not reveal which emails have accounts.
 */
let decoy: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString("base64url"));
  return decoy;
}

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}
