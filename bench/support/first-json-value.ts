/**
 * The first JSON object a child printed on its stdout, whether on one line or indented over many (`decree --json`
 * prints `JSON.stringify(value, null, 2)`); undefined until the whole object has arrived.
 */
export function firstJsonValue<T>(output: string): T | undefined {
  const start = output.startsWith("{") ? 0 : output.indexOf("\n{") + 1;
  if (start === 0 && !output.startsWith("{")) return undefined;
  const text = output.slice(start);
  // One line, or an indented object that ends at the first line holding a lone closing brace.
  const closing = text.indexOf("\n}");
  const candidates = [text.split("\n", 1)[0] ?? "", closing >= 0 ? text.slice(0, closing + 2) : ""];
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate) as T;
    } catch {
      // not whole yet
    }
  }
  return undefined;
}
