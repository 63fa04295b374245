import { DecreeError } from "../errors/decree-error.ts";

/** A secret from standard input, never the command line (which `ps` and shell history show); one trailing newline dropped. */
export async function readStdinSecret(what: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (secret.length === 0) {
    throw new DecreeError(
      "CLI_IDENTITY_UNPROVEN",
      `--password-stdin read nothing: pipe ${what} in, e.g. < file.`,
    );
  }
  return secret;
}

/**
 * Asks for a password on the terminal without echoing it: raw mode, so that the characters never reach the
 * screen or the terminal's scrollback. Ctrl-C aborts.
 */
export function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let typed = "";
    input.setRawMode(true);
    input.resume();
    input.setEncoding("utf8");
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") return done();
        if (char === "\u0003") {
          return done(
            new DecreeError("CLI_IDENTITY_UNPROVEN", "No password typed: the command was aborted."),
          );
        }
        if (char === "\u007f" || char === "\b") typed = [...typed].slice(0, -1).join("");
        else typed += char;
      }
    };
    input.on("data", onData);
  });
}
