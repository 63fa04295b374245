// The TSIG key (RFC 8945) decree signs its dynamic updates with: given as a name and a base64 secret, or read
// from the `key "name" { algorithm hmac-sha256; secret "…"; };` clause that BIND's tsig-keygen prints, so the
// operator can hand decree the very file their named.conf includes.
import { DecreeError } from "../../errors/decree-error.ts";
import type { TsigKey } from "../dns/tsig.ts";

/** A key name is a domain name (RFC 8945 §4.2): labels of 1 to 63 octets, 255 in all. */
const keyNamePattern =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Checks and canonicalises a key given on the command line: lowercase name, no trailing dot. */
export function pushTsigKey(name: string, secret: string): TsigKey {
  const canonical = name.trim().toLowerCase().replace(/\.$/, "");
  if (!keyNamePattern.test(canonical)) {
    throw new DecreeError(
      "PUSH_KEY_INVALID",
      `TSIG key name "${name}" is not a domain name; use the name of its key clause in named.conf, ` +
        "e.g. push-key.",
    );
  }
  const text = secret.trim();
  if (text === "" || !base64Pattern.test(text)) {
    throw new DecreeError(
      "PUSH_KEY_INVALID",
      `The secret of TSIG key "${canonical}" is not base64; copy the secret "…" of its key clause, as ` +
        "tsig-keygen -a hmac-sha256 prints it.",
    );
  }
  return { name: canonical, algorithm: "hmac-sha256", secret: Buffer.from(text, "base64") };
}

/**
 * Reads a BIND key clause (named.conf(5) grammar, as tsig-keygen writes it). With several clauses in the
 * text, `wanted` picks one by name. Only hmac-sha256 is accepted: it is the algorithm decree implements.
 */
export function parseBindKeyClause(text: string, wanted?: string): TsigKey {
  const clauses = [...withoutComments(text).matchAll(/\bkey\s+("[^"]+"|[^\s{]+)\s*\{([^}]*)\}\s*;?/g)];
  const keys = clauses.map(([, quotedName = "", body = ""]) => ({
    name: quotedName.replace(/^"|"$/g, ""),
    algorithm: /\balgorithm\s+"?([^";\s]+)"?\s*;/.exec(body)?.[1],
    secret: /\bsecret\s+"([^"]*)"\s*;/.exec(body)?.[1],
  }));
  if (keys.length === 0) {
    throw new DecreeError(
      "PUSH_KEY_INVALID",
      'The key file has no key clause; write it with `tsig-keygen -a hmac-sha256 NAME`: key "NAME" { … };',
    );
  }
  const canonicalWanted = wanted?.trim().toLowerCase().replace(/\.$/, "");
  const chosen =
    canonicalWanted === undefined
      ? keys.length === 1
        ? keys[0]
        : undefined
      : keys.find((key) => key.name.toLowerCase().replace(/\.$/, "") === canonicalWanted);
  if (chosen === undefined) {
    const names = keys.map((key) => key.name).join(", ");
    throw new DecreeError(
      "PUSH_KEY_INVALID",
      canonicalWanted === undefined
        ? `The key file holds several keys (${names}); choose one with --key-name.`
        : `The key file has no key "${canonicalWanted}"; it holds ${names}.`,
    );
  }
  if (chosen.algorithm?.toLowerCase() !== "hmac-sha256") {
    throw new DecreeError(
      "PUSH_KEY_INVALID",
      `Key "${chosen.name}" uses ${chosen.algorithm ?? "no stated algorithm"}; decree signs with ` +
        "hmac-sha256 only. Generate a key with `tsig-keygen -a hmac-sha256 NAME` and add it to the " +
        "server's allow-update.",
    );
  }
  if (chosen.secret === undefined) {
    throw new DecreeError(
      "PUSH_KEY_INVALID",
      `Key "${chosen.name}" has no secret "…"; clause in the key file.`,
    );
  }
  return pushTsigKey(chosen.name, chosen.secret);
}

// named.conf allows C, C++ and shell comments; quoted strings are kept whole so that nothing inside one is
// taken for a comment.
function withoutComments(text: string): string {
  return text.replace(
    /("[^"]*")|\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*/g,
    (_match, quoted?: string) => quoted ?? " ",
  );
}
