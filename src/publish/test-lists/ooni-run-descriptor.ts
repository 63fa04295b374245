import type { TestListEntry } from "./test-list-entries.ts";

/** An OONI Run v2 link's descriptor: what the OONI Probe apps install and run (Web Connectivity, here). */
export interface OoniRunDescriptor {
  name: string;
  short_description: string;
  description: string;
  author: string;
  name_intl: Record<string, string>;
  short_description_intl: Record<string, string>;
  description_intl: Record<string, string>;
  icon: string;
  color: string;
  nettests: Array<{
    test_name: "web_connectivity";
    inputs: string[];
    options: Record<string, never>;
    backend_options: Record<string, never>;
    is_background_run_enabled_default: boolean;
    is_manual_run_enabled_default: boolean;
  }>;
}

export interface DescriptorScope {
  /** The order, or none for the whole registry. */
  orderId?: number | undefined;
  /** Who runs the registry, as the descriptor's author: the registry's public URL, or "decree". */
  author: string;
  /** Where the public reads the order or the registry. */
  link: string;
}

/*
 * The OONI API validates a descriptor before it makes a link of it (ooni/backend, the oonirun router's model;
 * ooni/spec, backends/bk-005-ooni-run-v2.md): name 2 to 50 characters, short_description 2 to 200, author 2 to
 * 100, every `_intl` text at least 2, color `#` and six hex digits. The names below fit for any order id a JSON
 * number holds (16 digits), and an author too long for the model (a long public URL) becomes "decree".
 */
const maxAuthor = 100;

/**
 * One Web Connectivity nettest over the entries' URLs. Run by hand only by default: a background run of blocked
 * sites is something a volunteer opts into, not what a descriptor turns on. The French strings sit beside the
 * English ones, as decree's other public texts do.
 */
export function ooniRunDescriptor(entries: TestListEntry[], scope: DescriptorScope): OoniRunDescriptor {
  const whole = scope.orderId === undefined;
  const name = whole ? "Court-ordered blocks (decree)" : `Court-ordered blocks, order ${scope.orderId}`;
  const nom = whole ? "Blocages ordonnés (decree)" : `Blocages ordonnés, décision ${scope.orderId}`;
  return {
    name,
    short_description: whole
      ? "Every name blocked under the registry's orders"
      : `The names blocked under order ${scope.orderId} (decree)`,
    description: `Checks with Web Connectivity whether the names and URLs that decree's ${whole ? "orders" : "order"} block are blocked on your network. ${scope.link}`,
    author: [...scope.author].length <= maxAuthor ? scope.author : "decree",
    name_intl: { fr: nom },
    short_description_intl: {
      fr: whole
        ? "Tous les noms bloqués par les décisions du registre"
        : `Les noms bloqués par la décision ${scope.orderId} (decree)`,
    },
    description_intl: {
      fr: `Vérifie avec Web Connectivity si les noms et URL que ${whole ? "les décisions" : "la décision"} de decree font bloquer le sont sur votre réseau. ${scope.link}`,
    },
    icon: "FaGavel",
    color: "#3b5bdb",
    nettests: [
      {
        test_name: "web_connectivity",
        inputs: entries.map((entry) => entry.url),
        options: {},
        backend_options: {},
        is_background_run_enabled_default: false,
        is_manual_run_enabled_default: true,
      },
    ],
  };
}

const inputsMark = "\u0000inputs\u0000";

/**
 * The descriptor as `JSON.stringify(descriptor, null, 2)` writes it, with a final line break, but with the
 * inputs streamed page by page: the same bytes as the whole document built at once, in bounded memory.
 */
export async function* ooniRunDescriptorChunks(
  pages: AsyncIterable<TestListEntry[]>,
  scope: DescriptorScope,
): AsyncGenerator<string> {
  const iterator = pages[Symbol.asyncIterator]();
  let first = await iterator.next();
  while (!first.done && first.value.length === 0) first = await iterator.next();
  if (first.done) {
    yield `${JSON.stringify(ooniRunDescriptor([], scope), null, 2)}\n`;
    return;
  }
  const whole = JSON.stringify(ooniRunDescriptor([{ url: inputsMark } as TestListEntry], scope), null, 2);
  const mark = JSON.stringify(inputsMark);
  const at = whole.indexOf(mark);
  const lineStart = whole.lastIndexOf("\n", at) + 1;
  const indent = whole.slice(lineStart, at);
  const input = (entry: TestListEntry) => `${indent}${JSON.stringify(entry.url)}`;
  yield whole.slice(0, lineStart);
  yield first.value.map(input).join(",\n");
  for (let page = await iterator.next(); !page.done; page = await iterator.next()) {
    if (page.value.length > 0) yield `,\n${page.value.map(input).join(",\n")}`;
  }
  yield `${whole.slice(at + mark.length)}\n`;
}
