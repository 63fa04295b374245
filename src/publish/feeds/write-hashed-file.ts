import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface HashedFile {
  /** SHA-256 of the exact bytes written, hex. */
  sha256: string;
  size: number;
}

/** Writes chunks to `path` as UTF-8 while hashing them, at the disk's pace: memory stays flat. */
export async function writeHashedFile(chunks: AsyncIterable<string>, path: string): Promise<HashedFile> {
  const hash = createHash("sha256");
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(Readable.from(encoded(chunks)), hashing, createWriteStream(path, { flags: "wx" }));
  return { sha256: hash.digest("hex"), size };
}

async function* encoded(chunks: AsyncIterable<string>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) if (chunk.length > 0) yield Buffer.from(chunk, "utf8");
}
