import type { Kysely } from "kysely";
import { findOperator } from "../../publish/operators.ts";
import type { Database } from "../../store/database.ts";
import type { Expectation, Verdict } from "./classify-answer.ts";
import { formatResolverEndpoint } from "./resolver-endpoint.ts";

/** A stored measurement with everything needed to reproduce it and re-judge it. */
export interface Measurement {
  id: number;
  runId: number;
  operator: string;
  /** The resolver asked, e.g. `192.0.2.53:53 udp`. */
  resolver: string;
  name: string;
  qtype: string;
  expectation: Expectation;
  verdict: Verdict;
  detail: string | null;
  rcode: string | null;
  answers: string[];
  /** The answer as it came off the wire, base64; null when there was none. */
  raw: string | null;
  reference: { rcode?: string; answers?: string[]; failure?: string } | null;
  attempts: number;
  rttMs: number | null;
  at: string;
  /** `registry`, or `agent:<name>` for an agent's signed batch. */
  source: string;
}

export interface MeasurementQuery {
  operator?: string | undefined;
  /** Measurements taken at or after this time (ISO 8601). */
  since?: string | undefined;
  /** Measurements with an id above this one (the previous page's last). */
  after?: number | undefined;
  limit?: number | undefined;
  /** The measurements of one probe run. */
  runId?: number | undefined;
}

/** Measurements, oldest first, in pages by id. */
export async function listMeasurements(
  db: Kysely<Database>,
  query: MeasurementQuery,
): Promise<Measurement[]> {
  let select = db
    .selectFrom("measurements")
    .innerJoin("operators", "operators.id", "measurements.operator_id")
    .innerJoin("resolvers", "resolvers.id", "measurements.resolver_id")
    .selectAll("measurements")
    .select([
      "operators.name as operator_name",
      "resolvers.host",
      "resolvers.port",
      "resolvers.transport",
      "resolvers.url",
    ]);
  if (query.operator !== undefined) {
    select = select.where("measurements.operator_id", "=", (await findOperator(db, query.operator)).id);
  }
  if (query.since !== undefined) select = select.where("measurements.at", ">=", query.since);
  if (query.after !== undefined) select = select.where("measurements.id", ">", query.after);
  if (query.runId !== undefined) select = select.where("measurements.run_id", "=", query.runId);
  const rows = await select
    .orderBy("measurements.id")
    .limit(query.limit ?? 1000)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    runId: Number(row.run_id),
    operator: row.operator_name,
    resolver: formatResolverEndpoint({
      host: row.host,
      port: Number(row.port),
      transport: row.transport,
      url: row.url ?? undefined,
    }),
    name: row.name,
    qtype: row.qtype,
    expectation: row.expectation,
    verdict: row.verdict,
    detail: row.detail,
    rcode: row.rcode,
    answers: JSON.parse(row.answers) as string[],
    raw: row.raw,
    reference: row.reference_answers ? JSON.parse(row.reference_answers) : null,
    attempts: Number(row.attempts),
    rttMs: row.rtt_ms === null ? null : Number(row.rtt_ms),
    at: row.at,
    source: row.source,
  }));
}

const csvColumns = [
  "id",
  "at",
  "source",
  "operator",
  "resolver",
  "name",
  "qtype",
  "expectation",
  "verdict",
  "detail",
  "rcode",
  "answers",
  "reference",
  "attempts",
  "rtt_ms",
  "raw_base64",
] as const;

/** The measurements as CSV (RFC 4180), a header then one row each, read in pages so that any number fits. */
export async function* measurementsCsv(
  db: Kysely<Database>,
  query: MeasurementQuery = {},
): AsyncGenerator<string> {
  let after = query.after;
  // The first page is read before the header is produced, so that a query refused (an unknown operator)
  // fails before a byte of the answer exists.
  let page = await listMeasurements(db, { ...query, after, limit: 5000 });
  yield row(csvColumns);
  for (let first = true; ; first = false) {
    if (!first) page = await listMeasurements(db, { ...query, after, limit: 5000 });
    if (page.length === 0) return;
    yield page
      .map((m) =>
        row([
          String(m.id),
          m.at,
          m.source,
          m.operator,
          m.resolver,
          m.name,
          m.qtype,
          m.expectation,
          m.verdict,
          m.detail ?? "",
          m.rcode ?? "",
          m.answers.join(" | "),
          m.reference
            ? (m.reference.failure ?? `${m.reference.rcode} ${(m.reference.answers ?? []).join(" | ")}`)
            : "",
          String(m.attempts),
          m.rttMs === null ? "" : String(m.rttMs),
          m.raw ?? "",
        ]),
      )
      .join("");
    after = page.at(-1)!.id;
  }
}

function row(fields: readonly string[]): string {
  return `${fields.map((value) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)).join(",")}\r\n`;
}
