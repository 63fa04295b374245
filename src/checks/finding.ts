import type { ErrorCode } from "../errors/error-catalogue.ts";
import type { MessageParams } from "../locale/format-message.ts";
import { type CheckName, type FindingCode, findingCodes, type Severity } from "../vocabulary/vocabulary.ts";

export type { Severity } from "../vocabulary/vocabulary.ts";

// A finding's code is a code of the error catalogue, so that docs/errors.md gives its title and remedy: the
// compiler refuses a finding code the catalogue lacks.
findingCodes satisfies readonly ErrorCode[];

/**
 * What a safeguard check says about a target (docs/ARCHITECTURE.md, "finding"): `block` stops approval unless an admin
 * overrides it with a reason and a second person's confirmation; `review` needs two different authority users;
 * `info` is shown to the reviewer. Findings are evidence: the public sees them without personal data.
 */
export interface Finding {
  /** The check that found it, e.g. `protected-names`. */
  check: CheckName;
  severity: Severity;
  /** Stable code, e.g. `TARGET_PROTECTED_NAME`, `TARGET_SHARED_INFRASTRUCTURE`. */
  code: FindingCode;
  /** What was found and what a reviewer should weigh, in plain words (English: finding-texts-en.ts). */
  message: string;
  /** The values the message names; with the code, they give the message in every language (finding-message.ts). */
  params?: MessageParams;
  /** What the finding rests on: the list entry and its source, the DNS answer, the other order… */
  evidence: Record<string, unknown>;
}
