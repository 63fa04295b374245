import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { DecreeError } from "../errors/decree-error.ts";
import { type OrderInput, orderInputSchema } from "./order-input.ts";

/** Reads an order from a YAML or JSON file; every problem is reported at once, with the field it concerns. */
export async function parseOrderFile(path: string): Promise<OrderInput> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DecreeError(
      "ORDER_FILE_UNREADABLE",
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check the path and its permissions.`,
    );
  }
  return parseOrderText(text, path);
}

export function parseOrderText(text: string, source: string): OrderInput {
  let raw: unknown;
  try {
    raw = extname(source).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new DecreeError(
      "ORDER_FILE_SYNTAX",
      `${source} is not valid ${extname(source) === ".json" ? "JSON" : "YAML"}: ${(error as Error).message}`,
    );
  }
  return validateOrderInput(raw, source);
}

export function validateOrderInput(raw: unknown, source: string): OrderInput {
  const result = orderInputSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues);
  throw new DecreeError(
    "ORDER_INVALID",
    `${source} is not a valid order: ${problems.join("; ")}. See data/demo/allostreaming-2013.yaml for an example.`,
    { problems },
  );
}

function describeIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(the file)";
    return `${path}: ${issue.message}`;
  });
}
