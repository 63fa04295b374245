import type { Migration, MigrationProvider } from "kysely";
import type { Dialect } from "./database.ts";
import { initialSchema } from "./migrations/0001-initial-schema.ts";
import { publication } from "./migrations/0002-publication.ts";
import { accounts } from "./migrations/0003-accounts.ts";
import { workflow } from "./migrations/0004-workflow.ts";
import { appeals } from "./migrations/0005-appeals.ts";
import { checks } from "./migrations/0006-checks.ts";
import { log } from "./migrations/0007-log.ts";
import { probes } from "./migrations/0008-probes.ts";
import { mirrors } from "./migrations/0009-mirrors.ts";
import { snapshotAddresses } from "./migrations/0010-snapshot-addresses.ts";
import { logCommitments } from "./migrations/0011-log-commitments.ts";
import { targetStateIndex } from "./migrations/0012-target-state-index.ts";
import { osUserMappings } from "./migrations/0013-os-user-mappings.ts";
import { soaSerialsAndOperatorAccounts } from "./migrations/0014-soa-serials-and-operator-accounts.ts";
import { blockingWindows } from "./migrations/0015-blocking-windows.ts";
import { ipEvidence } from "./migrations/0016-ip-evidence.ts";
import { boundedQueryPlans } from "./migrations/0018-bounded-query-plans.ts";
import { orderEde } from "./migrations/0024-order-ede.ts";
import { orderTestListCategory } from "./migrations/0025-order-test-list-category.ts";
import { canarySerials } from "./migrations/0026-canary-serials.ts";
import { reviewDesk } from "./migrations/0028-review-desk.ts";
import { targetSite } from "./migrations/0029-target-site.ts";
import { stagedRollout } from "./migrations/0030-staged-rollout.ts";
import { canaryRecordIndex } from "./migrations/0031-canary-record-index.ts";
import { webhookLanguage } from "./migrations/0035-webhook-language.ts";

/**
 * Migrations live in code so that the one set runs on both engines and ships with the program; one file each
 * under migrations/, run in the order of their names. A released migration is never edited: add a new one.
 */
const migrations: Record<string, (dialect: Dialect) => Migration> = {
  "0001-initial-schema": initialSchema,
  "0002-publication": publication,
  "0003-accounts": accounts,
  "0004-workflow": workflow,
  "0005-appeals": appeals,
  "0006-checks": checks,
  "0007-log": log,
  "0010-snapshot-addresses": snapshotAddresses,
  "0008-probes": probes,
  "0009-mirrors": mirrors,
  "0011-log-commitments": logCommitments,
  "0012-target-state-index": targetStateIndex,
  "0013-os-user-mappings": osUserMappings,
  "0014-soa-serials-and-operator-accounts": soaSerialsAndOperatorAccounts,
  "0015-blocking-windows": blockingWindows,
  "0016-ip-evidence": ipEvidence,
  "0018-bounded-query-plans": boundedQueryPlans,
  "0024-order-ede": orderEde,
  "0025-order-test-list-category": orderTestListCategory,
  "0026-canary-serials": canarySerials,
  "0028-review-desk": reviewDesk,
  "0029-target-site": targetSite,
  "0030-staged-rollout": stagedRollout,
  "0031-canary-record-index": canaryRecordIndex,
  "0035-webhook-language": webhookLanguage,
};

/** The migration a new store runs first: when it runs, the store was empty. */
export const firstMigration = "0001-initial-schema";

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      return Object.fromEntries(Object.entries(migrations).map(([name, make]) => [name, make(dialect)]));
    },
  };
}
