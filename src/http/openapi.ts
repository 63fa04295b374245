import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifySchema } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import { type Access, policy } from "../review/permissions.ts";
import { defaultAccess } from "./auth-plugin.ts";

type Transform = typeof jsonSchemaTransform;

/**
 * Who may call an operation, said in the document itself: OpenAPI 3.1 §4.8.10 `security` (none for public routes,
 * the bearer token or the session cookie otherwise) and a line of its description naming the roles.
 */
const transform: Transform = (input) => {
  const transformed = jsonSchemaTransform(input);
  const access = input.route.config?.access as Access | undefined;
  if (access === undefined) return transformed;
  const schema: FastifySchema = { ...transformed.schema };
  const who =
    access === "public" ? "Public: no account needed." : `Needs ${access}: ${policy[access].join(", ")}.`;
  schema.description = schema.description ? `${schema.description}\n\n${who}` : who;
  schema.security = access === "public" ? [] : [{ bearerToken: [] }, { sessionCookie: [] }];
  return { ...transformed, schema };
};

/**
 * The OpenAPI 3.1 document is generated from the routes' zod schemas (fastify-type-provider-zod), the one source
 * of truth for validation, types and documentation. Registered before the routes so that it sees them all.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "decree",
        version: "0.1.0",
        description:
          "Court blocking orders turned into DNS blocking and search de-listing. Errors are RFC 9457 " +
          "application/problem+json with a stable `code`.",
        license: { name: "AGPL-3.0-or-later", identifier: "AGPL-3.0-or-later" },
      },
      components: {
        securitySchemes: {
          bearerToken: { type: "http", scheme: "bearer", description: "An API token: dct_…" },
          sessionCookie: { type: "apiKey", in: "cookie", name: "decree_session" },
        },
      },
    },
    transform,
    // Schemas given an id (`.meta({ id: "User" })`) become components/schemas, referenced by $ref.
    transformObject: jsonSchemaTransformObject,
  });
}

/** GET /openapi.json, and the browsable reference at /docs (Swagger UI, served from this process). */
export async function docsRoutes(app: FastifyInstance): Promise<void> {
  app.get("/openapi.json", { config: { access: "public" } }, async () => app.swagger());
  await app.register(async (scope) => {
    // Swagger UI's own routes (its page and assets) cannot declare an access: they are public.
    scope.decorate(defaultAccess, "public");
    // staticCSP: Swagger UI's own policy, with the hashes of its inline scripts and styles.
    await scope.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });
  });
}
