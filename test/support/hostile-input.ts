import type { Store } from "../../src/store/database.ts";

/**
 * What the bad-input corpus (test/bad-input.test.ts) and the fuzzer (test/http-fuzz.test.ts) both send and
 * check: strings that have broken other systems, path values that are not ids, a fresh client address per
 * request, and the store's row counts before and after.
 */

/** Strings that have broken other systems. None may cause a 5xx, and none may be interpreted. */
export const injections: Record<string, string> = {
  sql: "x' OR '1'='1'; DROP TABLE targets; --",
  sqlUnion: "1) UNION SELECT token_hash, contact_email FROM api_tokens, appeals --",
  html: '"><script>alert(document.cookie)</script><img src=x onerror=alert(1)>',
  pathTraversal: "../../../../etc/passwd",
  encodedTraversal: "..%2F..%2F..%2Fetc%2Fpasswd",
  nul: "name\u0000.example.com",
  overlongUnicode: "\u00c0\u00af\u00e0\u0080\u00af.example.com",
  loneSurrogate: "\ud800evil",
  bidi: "\u202emoc.elgoog",
  long: "a".repeat(100_000),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a server-side template injection probe, as sent
  template: "${7*7}{{7*7}}<%= 7*7 %>",
  crlf: "x\r\nSet-Cookie: decree_session=stolen",
};

/** Path parameter values that are not ids, or name something that is not there. */
export const hostileParams = [
  "1 OR 1=1",
  "..%2F..%2Fetc%2Fpasswd",
  "%00",
  "-1",
  "0",
  "1e999",
  "0x10",
  "%EF%BC%99",
  "9".repeat(400),
  "%3Cscript%3E",
];

let address = 0;
/** A new client address per request: the corpus must meet the validation, not the rate limits. */
export const nextAddress = () => `10.${(++address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;

export type Counts = Record<string, number>;

/** Rows of every table of the store (the migrator's bookkeeping aside). */
export async function rowCounts(store: Store): Promise<Counts> {
  const tables = (await store.db.introspection.getTables())
    .map((table) => table.name)
    .filter((name) => !name.startsWith("kysely_"));
  const counts: Counts = {};
  for (const table of tables.sort()) {
    const row = await store.db
      .selectFrom(table as "orders")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

export function unchanged(route: { method: string; url: string }, before: Counts, after: Counts): string[] {
  return Object.keys(after)
    .filter((table) => before[table] !== after[table])
    .map(
      (table) => `${route.method} ${route.url} changed ${table}: ${before[table]} -> ${after[table]} rows`,
    );
}
