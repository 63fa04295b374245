import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { normalizeTarget } from "../names/normalize-target.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { type AddTargetsResult, addTargets, type TargetRequest } from "./add-targets.ts";
import { addWindows } from "./add-windows.ts";
import type { BlockingWindow } from "./blocking-window.ts";
import { addDuration, durationSeconds, parseDuration } from "./duration.ts";
import { findOrder } from "./find-order.ts";
import { toInstant } from "./instant.ts";
import type { Order } from "./order.ts";
import { orderEde } from "./order-ede.ts";
import type { OrderInput, TargetInput } from "./order-input.ts";
import { windowRequests } from "./window-requests.ts";

export interface RecordOrderOptions {
  actor: string;
  now: Date;
  /**
   * Moves the validity window so that it starts here, keeping its length. The demo and `orders add
   * --starting-today` use it, so that a
   * 2013 order is in force on the day someone tries decree; the event says so.
   */
  validityStartsAt?: Date;
  /**
   * The applicant's organisation, for an order an applicant submits: the order is theirs, and waits for an
   * authority's confirmation (`confirmOrder`). Absent: an authority or the shell records it, confirmed at
   * once.
   */
  ownerOrganisationId?: number;
  /**
   * Called in the same transaction once the order's targets are added: the wiring runs the safeguard checks
   * here (src/checks/record-findings.ts), which intake, an earlier stage, cannot call itself.
   */
  /** Store the valid targets and report the others, instead of all or nothing. */
  skipInvalid?: boolean;
  /** The line of the order's file each target is on, for refusals; by default its place in the list. */
  targetLines?: number[];
  afterTargets?: (trx: Kysely<Database>, order: Order, targets: AddTargetsResult) => Promise<unknown>;
}

export interface RecordOrderResult {
  order: Order;
  targets: AddTargetsResult | null;
  /** The order's blocking windows, from `windows` and `calendar`; none: its entries are served at all times. */
  windows: BlockingWindow[];
}

/** Records an order and the targets it names, in one transaction: a refused order leaves the store unchanged. */
export async function recordOrder(
  store: Store,
  input: OrderInput,
  options: RecordOrderOptions,
): Promise<RecordOrderResult> {
  const validity = orderValidity(input, options.validityStartsAt);
  const deadline = parseDuration(input.deadline, "deadline");
  const ede = input.ede === undefined ? null : orderEde(input.ede);
  if (input.targets?.length && new Date(validity.until).getTime() <= options.now.getTime()) {
    // Refused before anything is stored, so that the message names no order id that would never exist.
    throw new DecreeError(
      "ORDER_EXPIRED",
      `This decision (${input.authority}, ${input.caseNumber}) ended on ${validity.until}, so its targets cannot be ` +
        "enforced and nothing was recorded. Record the decision that extends it; or, to try decree with a past " +
        "order, record it with its validity moved to start today (`decree orders add --starting-today FILE`).",
    );
  }
  // A malformed calendar is refused before anything is stored, like a malformed order.
  const requestedWindows = windowRequests(input, {
    until: new Date(validity.until),
    source: "the order's calendar",
  });
  return inTransaction(store.db, async (trx) => {
    await assertNotRecorded(trx, input);
    const at = options.now.toISOString();
    const { id } = await trx
      .insertInto("orders")
      .values({
        kind: input.kind,
        authority: input.authority,
        jurisdiction: input.jurisdiction,
        case_number: input.caseNumber,
        decision_date: input.decisionDate,
        applicants: JSON.stringify(input.applicants),
        addressees: JSON.stringify(input.addressees),
        measures: JSON.stringify(input.measures),
        deadline: input.deadline,
        deadline_seconds: durationSeconds(deadline),
        valid_from: validity.from,
        valid_until: validity.until,
        extends_to_mirrors: input.extendsToMirrors ? 1 : 0,
        legal_basis: input.legalBasis ?? null,
        document_url: input.document?.url ?? null,
        document_sha256: input.document?.sha256 ?? null,
        summary: input.summary ?? null,
        dns_action: input.dnsAction ?? null,
        ede,
        test_list_category: input.testListCategory ?? null,
        recorded_at: at,
        recorded_by: options.actor,
        owner_organisation_id: options.ownerOrganisationId ?? null,
        confirmed_at: options.ownerOrganisationId === undefined ? at : null,
        confirmed_by: options.ownerOrganisationId === undefined ? options.actor : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        at,
        actor: options.actor,
        subject_type: "order",
        subject_id: id,
        action: "order.recorded",
        from_state: null,
        to_state: null,
        reason: null,
        data: {
          caseNumber: input.caseNumber,
          authority: input.authority,
          ...(options.ownerOrganisationId === undefined
            ? { confirmed: true }
            : { ownerOrganisationId: options.ownerOrganisationId, confirmed: false }),
          ...(options.validityStartsAt ? { validityRebasedForDemo: true } : {}),
        },
      },
    ]);
    const order = await findOrder(trx, id);
    const windows = await addWindows(trx, order, requestedWindows, {
      actor: options.actor,
      now: options.now,
    });
    const targets = input.targets?.length
      ? await addTargets(
          trx,
          order,
          input.targets.map((target, index) =>
            targetRequest(target, options.targetLines?.[index] ?? index + 1),
          ),
          { actor: options.actor, now: options.now, skipInvalid: options.skipInvalid ?? false },
        )
      : null;
    if (targets) windows.push(...(await addTargetWindows(trx, order, input.targets ?? [], targets, options)));
    if (targets && options.afterTargets) await options.afterTargets(trx, order, targets);
    return { order, targets, windows };
  });
}

function orderValidity(input: OrderInput, startsAt: Date | undefined): { from: string; until: string } {
  const from = toInstant(input.validity.from);
  const until = input.validity.until
    ? toInstant(input.validity.until)
    : addDuration(from, parseDuration(input.validity.duration ?? "", "validity.duration"));
  if (until.getTime() <= from.getTime()) {
    throw new DecreeError(
      "ORDER_INVALID",
      `validity.until (${until.toISOString()}) must come after validity.from (${from.toISOString()}).`,
    );
  }
  if (!startsAt) return { from: from.toISOString(), until: until.toISOString() };
  const length = until.getTime() - from.getTime();
  return { from: startsAt.toISOString(), until: new Date(startsAt.getTime() + length).toISOString() };
}

async function assertNotRecorded(trx: Kysely<Database>, input: OrderInput): Promise<void> {
  const existing = await trx
    .selectFrom("orders")
    .select("id")
    .where("authority", "=", input.authority)
    .where("case_number", "=", input.caseNumber)
    .where("decision_date", "=", input.decisionDate)
    .executeTakeFirst();
  if (existing) {
    throw new DecreeError(
      "ORDER_DUPLICATE",
      `This decision (${input.authority}, ${input.caseNumber}, ${input.decisionDate}) is already order ` +
        `${existing.id}. Add targets to it with \`decree targets add ${existing.id} NAME…\`.`,
      { orderId: existing.id },
    );
  }
}

/**
 * The windows a target of the file carries (`{value, windows: [...]}`), stored as that target's own. The target
 * is found among those added by its canonical form, so a line skipped with `skipInvalid` takes its windows
 * with it.
 */
async function addTargetWindows(
  trx: Kysely<Database>,
  order: Order,
  inputs: TargetInput[],
  added: AddTargetsResult,
  options: RecordOrderOptions,
): Promise<BlockingWindow[]> {
  const windows: BlockingWindow[] = [];
  for (const input of inputs) {
    if (typeof input === "string" || !input.windows?.length) continue;
    const name = normalizeTarget(input.value, input.kind);
    const target = name.ok
      ? added.added.find((candidate) => candidate.kind === name.kind && candidate.value === name.value)
      : undefined;
    if (!target) continue;
    const requests = windowRequests(
      { windows: input.windows },
      { until: new Date(order.validUntil), source: input.value },
    );
    windows.push(
      ...(await addWindows(trx, order, requests, {
        actor: options.actor,
        now: options.now,
        targetId: target.id,
      })),
    );
  }
  return windows;
}

function targetRequest(target: TargetInput, line: number): TargetRequest {
  if (typeof target === "string") return { input: target, line };
  return { input: target.value, kind: target.kind, until: target.until, line };
}
