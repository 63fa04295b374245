import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  type AddressEvidence,
  type OrderCollateral,
  orderCollateral,
} from "../../registry/order-collateral.ts";
import type { Store } from "../../store/database.ts";
import { escapeHtml } from "../html/escape-html.ts";
import { htmlDocument, htmlPageHeaders } from "../html/html-document.ts";
import { type PageLanguage, pageLanguages, pickLanguage } from "../html/pick-language.ts";
import { integerSchema } from "../integer-schema.ts";

export interface CollateralRouteDeps {
  store: Store;
  /** The ASN dataset and the co-hosting index, when the service has them; without, snapshots only. */
  addressEvidence?: AddressEvidence | undefined;
}

const open = { access: "public" } as const;
const tags = ["public"];
const params = z.object({ id: integerSchema() });

/**
 * What an order's IP and prefix entries cut off besides their target, measured and public: the addresses, the
 * networks that operate them, the other sites that live on them. As JSON, and as a page without script.
 */
export async function collateralRoutes(fastify: FastifyInstance, deps: CollateralRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/public/orders/:id/collateral",
    {
      config: open,
      schema: {
        tags,
        summary: "An order's IP entries: addresses, their ASNs, the sites co-hosted on them",
        params,
      },
    },
    async (request) => orderCollateral(deps.store.db, request.params.id, deps.addressEvidence),
  );
  app.get(
    "/public/orders/:id/collateral.html",
    {
      config: open,
      schema: {
        tags,
        summary: "The same, as a page (French or English, from Accept-Language or ?lang=)",
        params,
        querystring: z.object({ lang: z.enum(pageLanguages).optional() }).strict(),
      },
    },
    async (request, reply) => {
      const collateral = await orderCollateral(deps.store.db, request.params.id, deps.addressEvidence);
      const language = request.query.lang ?? pickLanguage(request.headers["accept-language"]);
      return reply
        .headers(htmlPageHeaders)
        .header("content-language", language)
        .type("text/html; charset=utf-8")
        .send(collateralPage(language, collateral));
    },
  );
}

const words = {
  fr: {
    title: (id: number) => `Ordonnance ${id} : effets collatéraux du blocage d'adresses IP`,
    intro:
      "Ce que bloquent les adresses et préfixes de cette ordonnance au-delà du site visé : les réseaux qui les " +
      "exploitent et les autres sites hébergés sur les mêmes adresses, mesurés et non supposés.",
    active: "Entrées actives",
    addresses: "Adresses IPv4 bloquées",
    ipv6: "Préfixes IPv6",
    coHosted: "Autres domaines hébergés (somme par adresse)",
    sample: "Exemples",
    asns: "Systèmes autonomes",
    entries: "Entrées",
    unknown: "inconnu",
    none: "aucun",
    sources: "Sources",
    head: ["Entrée", "État", "Adresses", "AS", "Domaines co-hébergés"],
  },
  en: {
    title: (id: number) => `Order ${id}: collateral of its IP blocks`,
    intro:
      "What this order's addresses and prefixes block beyond the targeted site: the networks that operate them and " +
      "the other sites hosted on the same addresses, measured rather than assumed.",
    active: "Active entries",
    addresses: "IPv4 addresses blocked",
    ipv6: "IPv6 prefixes",
    coHosted: "Other domains hosted (sum over addresses)",
    sample: "Sample",
    asns: "Autonomous systems",
    entries: "Entries",
    unknown: "unknown",
    none: "none",
    sources: "Sources",
    head: ["Entry", "State", "Addresses", "AS", "Co-hosted domains"],
  },
} as const;

function collateralPage(language: PageLanguage, collateral: OrderCollateral): string {
  const t = words[language];
  const e = escapeHtml;
  const asName = (operator: { asn: number; organisation: string | null } | null) =>
    operator ? `AS${operator.asn}${operator.organisation ? ` ${operator.organisation}` : ""}` : t.unknown;
  const rows = collateral.entries.map(
    (entry) =>
      `<tr><td>${e(entry.value)}</td><td>${e(entry.state)}</td><td>${entry.addresses}</td>` +
      `<td>${e(asName(entry.operator))}</td><td>${
        entry.coHosted
          ? `${entry.coHosted.count}${entry.coHosted.sample.length ? ` (${e(entry.coHosted.sample.join(", "))})` : ""}`
          : t.unknown
      }</td></tr>`,
  );
  const body = [
    `<h1>${e(t.title(collateral.orderId))}</h1>`,
    `<p>${e(t.intro)}</p>`,
    "<dl>",
    `<dt>${t.active}</dt><dd>${collateral.active.entries}</dd>`,
    `<dt>${t.addresses}</dt><dd>${collateral.active.addresses}</dd>`,
    `<dt>${t.ipv6}</dt><dd>${collateral.active.ipv6Prefixes}</dd>`,
    `<dt>${t.coHosted}</dt><dd>${collateral.coHosted.count}</dd>`,
    `<dt>${t.sample}</dt><dd>${e(collateral.coHosted.sample.join(", ") || t.none)}</dd>`,
    `<dt>${t.asns}</dt><dd>${e(collateral.asns.map((a) => `${asName(a)} (${a.entries})`).join(", ") || t.unknown)}</dd>`,
    `<dt>${t.sources}</dt><dd>${e([collateral.sources.asn, ...collateral.sources.coHosting].filter(Boolean).join("; "))}</dd>`,
    "</dl>",
    `<section><h2>${t.entries}</h2><table><tr>${t.head.map((h) => `<th>${h}</th>`).join("")}</tr>${rows.join("")}</table></section>`,
  ];
  return htmlDocument(language, t.title(collateral.orderId), body.join("\n"));
}
