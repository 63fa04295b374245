import { randomBytes } from "node:crypto";
import { DecreeError } from "../../errors/decree-error.ts";
import { defaultLocale, type Locale } from "../../locale/locale.ts";
import { appendEvents } from "../../store/append-events.ts";
import type { Store } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { canaryOrganisations } from "../canary-organisations.ts";
import { refuseLiteralPrivateDestination } from "./webhook-destination.ts";

export interface WebhookContext {
  organisationId: number;
  actor: string;
  now: Date;
}

export interface RegisteredWebhook {
  id: number;
  url: string;
  /** The HMAC key, shown this once. */
  secret: string;
  createdAt: string;
  /** Releases after this serial are delivered. */
  fromSerial: number | null;
  /** The language of each delivery's `summary`. */
  language: Locale;
}

/**
 * Enough for an operator's production and staging receivers; a bound, so that a leaked token cannot fan out.
 */
export const maxWebhooksPerOrganisation = 10;
const maxUrlLength = 2048;

/**
 * Registers an endpoint that receives every release made from now on, signed (webhook-signature.ts). The
 * secret is generated here, 256 bits, and kept as is because HMAC signing needs the key itself (as TSIG
 * does). Events name the URL's origin only: a path may carry the receiver's own token, and the event log is
 * public.
 */
export async function registerWebhook(
  store: Store,
  url: string,
  context: WebhookContext,
  options: { allowPrivateDestinations?: boolean; language?: Locale | undefined } = {},
): Promise<RegisteredWebhook> {
  const language = options.language ?? defaultLocale;
  const checked = checkedUrl(url);
  if (!options.allowPrivateDestinations) refuseLiteralPrivateDestination(checked);
  const secret = randomBytes(32).toString("base64url");
  return inTransaction(store.db, async (trx) => {
    const active = await trx
      .selectFrom("webhooks")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organisation_id", "=", context.organisationId)
      .where("disabled_at", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(active.n) >= maxWebhooksPerOrganisation) {
      throw new DecreeError(
        "WEBHOOK_LIMIT",
        `Your organisation has ${active.n} webhooks, the most allowed; delete one (DELETE /webhooks/ID) first.`,
      );
    }
    // A receiver that is no canary's starts from the last release that went to all: a staged one above it
    // reaches it when (if) it is promoted.
    const canary = (await canaryOrganisations(trx)).has(context.organisationId);
    let newest = trx.selectFrom("releases").select(["id", "serial"]);
    if (!canary) newest = newest.where("staged", "=", 0);
    const latest = await newest.orderBy("id", "desc").limit(1).executeTakeFirst();
    const at = context.now.toISOString();
    const { id } = await trx
      .insertInto("webhooks")
      .values({
        organisation_id: context.organisationId,
        url: checked.href,
        secret,
        created_at: at,
        created_by: context.actor,
        disabled_at: null,
        last_release_id: Number(latest?.id ?? 0),
        language,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        at,
        actor: context.actor,
        subject_type: "webhook",
        subject_id: Number(id),
        action: "webhook.registered",
        data: { organisationId: context.organisationId, origin: checked.origin },
      },
    ]);
    return {
      id: Number(id),
      url: checked.href,
      secret,
      createdAt: at,
      fromSerial: latest ? Number(latest.serial) : null,
      language,
    };
  });
}

function checkedUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DecreeError("WEBHOOK_INVALID", `"${url.slice(0, 100)}" is not a URL; give an https:// URL.`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new DecreeError(
      "WEBHOOK_INVALID",
      `A webhook is called over HTTPS (or HTTP), not ${parsed.protocol}.`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new DecreeError(
      "WEBHOOK_INVALID",
      "The URL carries credentials; remove them: requests are authenticated by the HMAC signature.",
    );
  }
  if (parsed.hash) {
    throw new DecreeError(
      "WEBHOOK_INVALID",
      "A fragment (#…) is never sent to a server; remove it from the URL.",
    );
  }
  if (parsed.href.length > maxUrlLength) {
    throw new DecreeError("WEBHOOK_INVALID", `The URL is longer than ${maxUrlLength} characters.`);
  }
  return parsed;
}
