import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor } from "../../accounts/principal.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { appealDecisionSchema, appealInputSchema, appealStates } from "../../intake/appeal.ts";
import { fileAppeal } from "../../intake/file-appeal.ts";
import { decideAppeal } from "../../registry/decide-appeal.ts";
import type { DecidedTarget } from "../../registry/decide-targets.ts";
import { followAppeal } from "../../registry/follow-appeal.ts";
import { listAppeals, maxAppealPage } from "../../registry/list-appeals.ts";
import { may } from "../../review/permissions.ts";
import type { Store } from "../../store/database.ts";
import { appealErrorPage } from "../appeal-pages/appeal-error-page.ts";
import { appealFormPage } from "../appeal-pages/appeal-form-page.ts";
import { appealStatusPage, stepText } from "../appeal-pages/appeal-status-page.ts";
import {
  appealStepSchema,
  appealViewSchema,
  decidedAppealSchema,
  filedAppealSchema,
  followTokenSchema,
} from "../appeal-schemas.ts";
import { htmlPageHeaders } from "../html/html-document.ts";
import { type PageLanguage, pageLanguages, pickLanguage } from "../html/pick-language.ts";
import { integerSchema } from "../integer-schema.ts";
import { handleError, refusalOf } from "../problem.ts";
import { unstorableText } from "../refuse-unstorable-text.ts";
import { answerLocale } from "../request-locale.ts";

export interface AppealRouteDeps {
  store: Store;
  now: () => Date;
  /** The registry's public base URL (no trailing slash), for follow links; relative links without it. */
  publicUrl?: string | undefined;
  /** Told when a decision changed an entry, so that the next release is built at once. */
  onRegistryChange?: (() => void) | undefined;
}

const tags = ["appeals"];
const formType = "application/x-www-form-urlencoded";

/**
 * Appeals: anyone files one without an account (rate-limited per address: 5 an hour, enough for a person,
 * too few for a flood), follows it by an unguessable link, and the authority decides. The appellant's address
 * is personal data: stored, shown to the authority who answers, never in a public answer nor in an event.
 * Filing and following also work from a plain HTML form without JavaScript: the stop page links to it.
 */
export async function appealRoutes(fastify: FastifyInstance, deps: AppealRouteDeps) {
  const { store, now } = deps;
  const base = deps.publicUrl ?? "";
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // HTML forms post application/x-www-form-urlencoded (HTML Living Standard §4.10.21.7); this scope only.
  app.addContentTypeParser(formType, { parseAs: "string", bodyLimit: 64 * 1024 }, (_request, body, done) => {
    const fields = Object.fromEntries(new URLSearchParams(String(body)));
    const problem = unstorableText(fields);
    if (problem) done(new DecreeError("REQUEST_INVALID", `The form ${problem}; remove it.`));
    else done(null, fields);
  });

  app.post(
    "/appeals",
    {
      config: { access: "public", rateLimit: { max: 5, timeWindow: "1 hour" } },
      // A form's refusals are a page in the form's language, not JSON a person cannot read.
      errorHandler: (error, request, reply) => {
        const refusal = refusalOf(error);
        if (!refusal || !isForm(request)) return handleError(error, request, reply);
        const lang = (request.query as { lang?: unknown } | undefined)?.lang;
        const language = isPageLanguage(lang) ? lang : pickLanguage(request.headers["accept-language"]);
        return (reply as FastifyReply)
          .code(refusal.status)
          .headers(htmlPageHeaders)
          .header("content-language", language)
          .type("text/html; charset=utf-8")
          .send(appealErrorPage(language, refusal));
      },
      schema: {
        tags,
        summary: "File an appeal against an entry, without an account",
        description:
          "JSON, or a form (application/x-www-form-urlencoded), which is answered 303 to the follow page, " +
          "or a refusal as an HTML page (French or English, by ?lang= or Accept-Language). " +
          "The reason is public; the contact address is not. At most 5 appeals an hour per address.",
        body: appealInputSchema,
        response: { 201: filedAppealSchema },
      },
    },
    async (request, reply) => {
      const filed = await fileAppeal(store, request.body, { now: now() });
      const follow = `${base}/appeals/${filed.token}`;
      // A form's browser goes on to the follow page (RFC 9110 §15.4.4: 303 makes it a GET); no JSON body.
      if (isForm(request)) return (reply as FastifyReply).code(303).header("location", follow).send();
      return reply
        .code(201)
        .header("location", follow)
        .send({ ...filed, follow });
    },
  );

  app.get(
    "/appeals/new",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "The appeal form, in HTML (French or English by Accept-Language or ?lang=)",
        querystring: z.object({
          target: z.string().max(2048).optional(),
          order: integerSchema().optional(),
          lang: z.enum(pageLanguages).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { lang, ...prefill } = request.query;
      const language = lang ?? pickLanguage(request.headers["accept-language"]);
      return reply
        .headers(htmlPageHeaders)
        .header("content-language", language)
        .type("text/html; charset=utf-8")
        .send(appealFormPage(language, prefill));
    },
  );

  app.get(
    "/appeals/:token",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "Follow an appeal by its link: its state, each decision and its reason (HTML for browsers)",
        params: z.object({ token: followTokenSchema }),
        response: { 200: appealViewSchema.extend({ steps: z.array(appealStepSchema) }) },
      },
    },
    async (request, reply) => {
      const appeal = await followAppeal(store.db, request.params.token);
      reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer");
      if (!prefersHtml(request)) {
        const locale = answerLocale(request, reply);
        return {
          ...appeal,
          steps: appeal.steps.map((step) => ({ ...step, text: stepText(appeal, step, locale) })),
        };
      }
      const language = pickLanguage(request.headers["accept-language"]);
      // A string body is sent as it is, not through the JSON response schema.
      return (reply as FastifyReply)
        .headers(htmlPageHeaders)
        .header("content-language", language)
        .type("text/html; charset=utf-8")
        .send(appealStatusPage(language, appeal));
    },
  );

  app.get(
    "/appeals",
    {
      config: { access: "appeals:read" },
      schema: {
        tags,
        summary: "List appeals, oldest first (the contact address for the authority only)",
        querystring: z
          .object({
            state: z.enum(appealStates).optional(),
            after: integerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER }).optional(),
            limit: integerSchema({ min: 1, max: maxAppealPage }).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            appeals: z.array(appealViewSchema),
            next: z.object({ after: z.number().int() }).nullable(),
          }),
        },
      },
    },
    async (request) => {
      const appeals = await listAppeals(store.db, {
        ...request.query,
        withContact: may(request.principal!.role, "appeals:decide"),
      });
      const last = appeals.at(-1);
      return { appeals, next: last ? { after: last.id } : null };
    },
  );

  app.post(
    "/appeals/:id/decision",
    {
      config: { access: "appeals:decide" },
      schema: {
        tags,
        summary:
          "Decide an appeal: suspend the entry at once, uphold it (reinstating it), or lift it; with scope site, " +
          "the order's other entries for the same site too, in one decision",
        params: z.object({ id: integerSchema() }),
        body: appealDecisionSchema,
        response: { 200: decidedAppealSchema },
      },
    },
    async (request) => {
      const decided = await decideAppeal(store, {
        appealId: request.params.id,
        decision: request.body.decision,
        reason: request.body.reason,
        scope: request.body.scope,
        actor: actorFor(request.principal!),
        now: now(),
      });
      if (decided.target || decided.siblings.length > 0) deps.onRegistryChange?.();
      const { target, siblings } = decided;
      const change = (one: DecidedTarget) => ({ id: one.id, from: one.from, to: one.to });
      return { ...decided, target: target ? change(target) : null, siblings: siblings.map(change) };
    },
  );
}

function isForm(request: FastifyRequest): boolean {
  return (request.headers["content-type"] ?? "").toLowerCase().startsWith(formType);
}

/** A browser asks for text/html first; scripts ask for JSON or anything. */
function prefersHtml(request: FastifyRequest): boolean {
  const accept = (request.headers.accept ?? "").toLowerCase();
  const html = accept.indexOf("text/html");
  const json = accept.indexOf("application/json");
  return html !== -1 && (json === -1 || html < json);
}

function isPageLanguage(value: unknown): value is PageLanguage {
  return (pageLanguages as readonly unknown[]).includes(value);
}
