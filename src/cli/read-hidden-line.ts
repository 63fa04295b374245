/**
 * One line typed at a terminal without echoing it, after a prompt on stderr (stdout may be a pipe a script
 * reads). Backspace edits; Ctrl-C ends the command as a shell expects (exit 130); Ctrl-D or Enter ends the line.
 */
export function readHiddenLine(prompt: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve) => {
    let line = "";
    const done = () => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write("\n");
      resolve(line);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n" || char === "\u0004") return done();
        if (char === "\u0003") {
          input.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        if (char === "\u007f" || char === "\b") line = line.slice(0, -1);
        else line += char;
      }
    };
    input.on("data", onData);
  });
}
