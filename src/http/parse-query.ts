import type { z } from "zod";
import { DecreeError } from "../errors/decree-error.ts";

export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "query"}: ${issue.message}`);
  throw new DecreeError("REQUEST_INVALID", `Invalid query parameters: ${problems.join("; ")}.`, { problems });
}
