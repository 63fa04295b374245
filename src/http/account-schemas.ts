import { z } from "zod";
import { roles } from "../accounts/roles.ts";
import { integerSchema } from "./integer-schema.ts";

/** The shapes of accounts on the wire, for validation and /openapi.json (registered by id as components). */
export const organisationSchema = z
  .object({ id: z.number().int(), name: z.string(), createdAt: z.string() })
  .meta({ id: "Organisation" });

export const userSchema = z
  .object({
    id: z.number().int(),
    organisationId: z.number().int(),
    organisationName: z.string(),
    email: z.string(),
    role: z.enum(roles),
    hasPassword: z.boolean().describe("whether the user can sign in to the web UI"),
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
  })
  .meta({ id: "User" });

export const tokenInfoSchema = z
  .object({
    id: z.number().int(),
    userId: z.number().int(),
    label: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().describe("to the minute"),
  })
  .meta({ id: "TokenInfo" });

export const idParams = z.object({ id: integerSchema() });
