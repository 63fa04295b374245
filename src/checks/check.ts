import type { Kysely } from "kysely";
import type { Order } from "../intake/order.ts";
import type { TargetKind } from "../names/target-kind.ts";
import type { Database } from "../store/database.ts";
import type { Finding } from "./finding.ts";

/** The target as a check sees it: canonical, with the order it comes under. */
export interface CheckedTarget {
  kind: TargetKind;
  value: string;
  origin: "order" | "mirror" | "amendment";
  validUntil: string;
}

/** What checks may consult; each reads only what it needs. */
export interface CheckContext {
  order: Order;
  db: Kysely<Database>;
  now: Date;
}

/**
 * One safeguard: a small plugin that knows nothing of the others (docs/ARCHITECTURE.md). Checks are listed in order,
 * with the reason for the order, in src/checks/index.ts.
 */
export interface Check {
  name: string;
  run(target: CheckedTarget, context: CheckContext): Finding[] | Promise<Finding[]>;
}
