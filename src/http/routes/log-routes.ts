import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { DecreeError } from "../../errors/decree-error.ts";
import { eventText } from "../../locale/event-text.ts";
import { addCosignature, latestCheckpoint } from "../../registry/log/log-checkpoints.ts";
import { logEntries, maxEntriesPerRead } from "../../registry/log/log-entries.ts";
import { consistencyBetween, inclusionAt, leafIndexOfHash } from "../../registry/log/log-proofs.ts";
import { logPseudonymiser } from "../../registry/log/log-pseudonyms.ts";
import { logSize } from "../../registry/log/sequence-events.ts";
import type { NoteVerifier } from "../../registry/log/signed-note.ts";
import { hashSize, parseTileIndexPath, tileWidth } from "../../registry/log/tile-math.ts";
import { readTile } from "../../registry/log/tile-store.ts";
import type { Store } from "../../store/database.ts";
import { integerSchema } from "../integer-schema.ts";
import { answerLocale } from "../request-locale.ts";

export interface LogRouteDeps {
  store: Store;
  now: () => Date;
  /** The witnesses whose cosignatures are accepted (verifier keys, parsed from config `logWitnesses`). */
  witnesses: NoteVerifier[];
}

const open = { access: "public" } as const;
const tags = ["log"];
const index = integerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER });
const b64 = (hash: Buffer) => hash.toString("base64");

const inclusionQuery = z
  .object({
    index: index.optional(),
    leafHash: z.string().max(64).optional().describe("base64 SHA-256 leaf hash, instead of index"),
    size: index.describe("the tree size, a checkpoint's"),
  })
  .strict();

/**
 * The public log, read-only and open to anyone: the latest signed checkpoint, entries, inclusion and
 * consistency proofs (RFC 9162 §2.1.3, §2.1.4), and the tree as static C2SP tlog-tiles that a CDN can cache
 * for ever once full. Witnesses post cosignatures, kept and served with the checkpoint.
 */
export async function logRoutes(fastify: FastifyInstance, { store, now, witnesses }: LogRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { db } = store;

  app.get(
    "/log/checkpoint",
    {
      config: open,
      schema: {
        tags,
        summary: "The latest checkpoint: a C2SP signed note",
        description:
          "The tree itself is served as C2SP tlog-tiles under /log/tile/ (tile/<L>/<N>, tile/entries/<N>).",
      },
    },
    async (_request, reply) => {
      const checkpoint = await latestCheckpoint(db);
      return reply
        .type("text/plain; charset=utf-8")
        .header("Cache-Control", "no-cache")
        .send(checkpoint.note);
    },
  );

  app.get(
    "/log/entries",
    {
      config: open,
      schema: {
        tags,
        summary: `Leaves [start, end) with their events, at most ${maxEntriesPerRead} at a time`,
        querystring: z.object({ start: index, end: index }).strict(),
      },
    },
    async (request, reply) => {
      // Each entry's sentence is for people, in the language they ask for; the leaves stay as they are hashed.
      const locale = answerLocale(request, reply);
      const entries = await logEntries(
        db,
        request.query.start,
        request.query.end,
        await logPseudonymiser(db),
      );
      return {
        entries: entries.map((e) => ({
          index: e.index,
          eventId: e.eventId,
          leaf: JSON.parse(e.leaf) as Record<string, unknown>,
          leafHash: b64(e.leafHash),
          ...(e.facts ? { text: eventText(e.facts, locale) } : {}),
          // A committed leaf's event, once its subject is public: SHA-256(salt || leaf data) is the commitment.
          ...(e.reveal
            ? {
                reveal: {
                  salt: b64(e.reveal.salt),
                  leaf: JSON.parse(e.reveal.leaf) as Record<string, unknown>,
                },
              }
            : {}),
        })),
      };
    },
  );

  app.get(
    "/log/proof/inclusion",
    {
      config: open,
      schema: { tags, summary: "Inclusion proof of a leaf in a tree size", querystring: inclusionQuery },
    },
    async (request) => {
      const { size, leafHash } = request.query;
      let leaf = request.query.index;
      if (leaf === undefined) {
        const hash = Buffer.from(leafHash ?? "", "base64");
        if (hash.length !== hashSize) {
          throw new DecreeError(
            "LOG_RANGE_INVALID",
            "Give ?index=I or ?leafHash=<base64 SHA-256>, with &size=N.",
          );
        }
        leaf = await leafIndexOfHash(db, hash);
      }
      const answer = await inclusionAt(db, leaf, size);
      return {
        index: answer.index,
        treeSize: answer.treeSize,
        leafHash: b64(answer.leafHash),
        rootHash: b64(answer.rootHash),
        proof: answer.proof.map(b64),
      };
    },
  );

  app.get(
    "/log/proof/consistency",
    {
      config: open,
      schema: {
        tags,
        summary: "Consistency proof between two tree sizes",
        querystring: z.object({ from: index, to: index }).strict(),
      },
    },
    async (request) => {
      const answer = await consistencyBetween(db, request.query.from, request.query.to);
      return {
        from: answer.from,
        to: answer.to,
        fromRoot: b64(answer.fromRoot),
        toRoot: b64(answer.toRoot),
        proof: answer.proof.map(b64),
      };
    },
  );

  app.get(
    "/log/tile/*",
    {
      config: open,
      schema: {
        tags,
        summary: "C2SP tlog-tiles: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]",
        // A path of any depth (x001/x234/067) that OpenAPI cannot describe; the C2SP spec is its document.
        hide: true,
        params: z.object({ "*": z.string().max(200) }),
      },
    },
    async (request, reply) => {
      const path = parseTilePath(request.params["*"]);
      if (!path) {
        throw new DecreeError(
          "NOT_FOUND",
          "Not a tlog-tiles path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>].",
        );
      }
      const body =
        path.level === "entries"
          ? await entryBundle(store, path.index, path.width)
          : await hashTile(store, path);
      // A full tile never changes; a partial one is replaced by a wider one as the log grows.
      const immutable = path.width === tileWidth;
      return reply
        .type("application/octet-stream")
        .header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache")
        .send(body);
    },
  );

  app.post(
    "/log/cosignature",
    {
      config: open,
      schema: {
        tags,
        summary: "A witness's cosignature line for a checkpoint (C2SP tlog-cosignature)",
        body: z
          .object({
            size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe("the checkpoint's tree size"),
            line: z.string().max(400).describe("`— <witness name> <base64>`"),
          })
          .strict(),
      },
    },
    async (request) => addCosignature(db, witnesses, request.body, now()),
  );
}

interface TilePath {
  level: number | "entries";
  index: number;
  width: number;
}

function parseTilePath(path: string): TilePath | undefined {
  const match = /^(entries|\d+)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d+))?$/.exec(path);
  if (!match) return undefined;
  const level = match[1] === "entries" ? "entries" : Number(match[1]);
  const tileIndex = parseTileIndexPath(match[2]!);
  const width = match[3] === undefined ? tileWidth : Number(match[3]);
  if (
    tileIndex === undefined ||
    !(width >= 1 && width <= tileWidth) ||
    (match[3] !== undefined && width === tileWidth)
  ) {
    return undefined;
  }
  if (level !== "entries" && level > 10) return undefined;
  return { level, index: tileIndex, width };
}

async function hashTile(store: Store, path: TilePath): Promise<Buffer> {
  const tile = await readTile(store.db, path.level as number, path.index);
  if (!tile || tile.width < path.width) throw new DecreeError("NOT_FOUND", "The log has no such tile (yet).");
  return tile.hashes.subarray(0, path.width * hashSize);
}

/** An entry bundle (C2SP tlog-tiles): each leaf's data as a 2-byte big-endian length and the bytes. */
async function entryBundle(store: Store, tileIndex: number, width: number): Promise<Buffer> {
  const start = tileIndex * tileWidth;
  if (start + width > (await logSize(store.db))) {
    throw new DecreeError("NOT_FOUND", "The log has no such entry bundle (yet).");
  }
  const entries = await logEntries(store.db, start, start + width, await logPseudonymiser(store.db));
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.leaf);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(data.length);
    parts.push(length, data);
  }
  return Buffer.concat(parts);
}
