import { readFile } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { isSeq, parseDocument, parse as parseYaml } from "yaml";
import type { z } from "zod";
import { DecreeError } from "../errors/decree-error.ts";
import { type OrderInput, orderInputSchema } from "./order-input.ts";

/** Reads an order from a YAML or JSON file; every problem is reported at once, with the field it concerns. */
export async function parseOrderFile(path: string): Promise<OrderInput> {
  return (await readOrderFile(path)).input;
}

/** The order in a file, and the line of the file each of its targets is on, so that a refusal names that line. */
export async function readOrderFile(path: string): Promise<{ input: OrderInput; targetLines: number[] }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new DecreeError(
      "ORDER_FILE_UNREADABLE",
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check the path and its permissions.`,
    );
  }
  const raw = await withCalendarFile(parseRaw(text, path), path);
  return { input: validateOrderInput(raw, path), targetLines: targetLinesOf(text) };
}

/**
 * An order file may name its calendar of events beside it (`calendar: {file: matches.ics}`) rather than hold
 * its text: the file is read here, relative to the order file, and the order then carries its text.
 */
async function withCalendarFile(raw: unknown, orderPath: string): Promise<unknown> {
  if (raw === null || typeof raw !== "object") return raw;
  const calendar = (raw as { calendar?: unknown }).calendar;
  if (calendar === null || typeof calendar !== "object") return raw;
  const { file, ...rest } = calendar as { file?: unknown };
  if (typeof file !== "string") return raw;
  const path = resolve(dirname(orderPath), file);
  let ics: string;
  try {
    ics = await readFile(path, "utf8");
  } catch (error) {
    throw new DecreeError(
      "ORDER_FILE_UNREADABLE",
      `Cannot read the calendar ${path} that calendar.file names: ${(error as NodeJS.ErrnoException).code ?? String(error)}. ` +
        "Give its path relative to the order file.",
    );
  }
  return { ...raw, calendar: { ...rest, ics } };
}

/** 1-based lines of the items of `targets:`; JSON is YAML 1.2 too, so one reading serves both. */
function targetLinesOf(text: string): number[] {
  const targets = parseDocument(text).get("targets", true);
  if (!isSeq(targets)) return [];
  return targets.items.map((item) => {
    const start = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
    return text.slice(0, start).split("\n").length;
  });
}

export function parseOrderText(text: string, source: string): OrderInput {
  return validateOrderInput(parseRaw(text, source), source);
}

function parseRaw(text: string, source: string): unknown {
  try {
    return extname(source).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new DecreeError(
      "ORDER_FILE_SYNTAX",
      `${source} is not valid ${extname(source) === ".json" ? "JSON" : "YAML"}: ${(error as Error).message}`,
    );
  }
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
