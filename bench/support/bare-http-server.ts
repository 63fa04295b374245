/**
 * The peer of decree's feed reads: bare node:http in a process of its own, answering every request with the
 * same bytes and headers decree sent for one feed, from memory, with nothing else done per request.
 * Usage (by bench/api-load.ts): node --import tsx bare-http-server.ts BODY_FILE HEADERS_JSON_FILE
 * Prints `{"port":N}` once it listens.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const [bodyFile, headersFile] = process.argv.slice(2);
const body = readFileSync(bodyFile!);
const headers = JSON.parse(readFileSync(headersFile!, "utf8")) as Record<string, string>;
const server = createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(body);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === "object" ? address?.port : 0 })}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
