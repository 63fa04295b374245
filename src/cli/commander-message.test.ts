import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Argument, Command, Option } from "commander";
import { commanderMessage } from "./commander-message.ts";
import { listLimit, positiveInteger } from "./parse-options.ts";

/** What commander itself writes for `argv` on a small program shaped like decree's. */
function commanderError(argv: string[]): string {
  let written = "";
  const program = new Command("decree")
    .exitOverride()
    .configureOutput({ writeErr: (text) => (written += text), writeOut: () => {} })
    .option("--json", "print JSON")
    .addOption(new Option("--lang <lang>").choices(["en", "fr"]))
    .addOption(new Option("--quiet").conflicts("verbose"))
    .option("--verbose");
  const orders = program
    .command("orders")
    .exitOverride()
    .configureOutput({ writeErr: (text) => (written += text) });
  orders
    .command("history")
    .exitOverride()
    .configureOutput({ writeErr: (text) => (written += text) })
    .argument("<id>", "the order id", positiveInteger)
    .option("--limit <n>", "at most n", listLimit)
    .requiredOption("--since <when>", "from when")
    .action(() => {});
  orders
    .command("state")
    .exitOverride()
    .configureOutput({ writeErr: (text) => (written += text) })
    .addArgument(new Argument("<state>").choices(["open", "closed"]))
    .action(() => {});
  program
    .command("status")
    .exitOverride()
    .configureOutput({ writeErr: (text) => (written += text) })
    .action(() => {});
  try {
    program.parse(argv, { from: "user" });
  } catch {
    // commander throws once it has written the error
  }
  return written;
}

const cases: [string[], string][] = [
  [["--jsn", "status"], "erreur : option inconnue « --jsn »\n(Vouliez-vous dire --json ?)\n"],
  [["ordres"], "erreur : commande inconnue « ordres »\n(Vouliez-vous dire orders ?)\n"],
  [["orders", "history", "--since", "x"], "erreur : il manque l’argument obligatoire « id »\n"],
  [["orders", "history", "1", "--limit"], "erreur : il manque la valeur de l’option « --limit <n> »\n"],
  [["orders", "history", "1"], "erreur : l’option obligatoire « --since <when> » n’a pas été donnée\n"],
  [
    ["--quiet", "--verbose", "status"],
    "erreur : l’option « --quiet » ne peut pas être employée avec l’option « --verbose »\n",
  ],
  [["status", "now"], "erreur : trop d’arguments pour « status ». Aucun argument attendu, 1 reçu.\n"],
  [
    ["--lang", "de", "status"],
    "erreur : la valeur « de » de l’option « --lang <lang> » n’est pas valable. Valeurs possibles : en, fr.\n",
  ],
  [
    ["orders", "history", "1", "--since", "x", "--limit", "5000"],
    "erreur : la valeur « 5000 » de l’option « --limit <n> » n’est pas valable. NUMBER_INVALID : 5000 est hors limites : de 1 à 1000.\n",
  ],
  [
    ["orders", "history", "0x10", "--since", "x"],
    "erreur : la valeur « 0x10 » de l’argument « id » n’est pas valable. NUMBER_INVALID : « 0x10 » n’est pas un nombre entier écrit en chiffres décimaux simples (sans signe, zéro initial, exposant ni préfixe).\n",
  ],
  [
    ["orders", "state", "shut"],
    "erreur : la valeur « shut » de l’argument « state » n’est pas valable. Valeurs possibles : open, closed.\n",
  ],
];

describe("commander's parse errors in the person's language", () => {
  for (const [argv, french] of cases) {
    it(`tells \`decree ${argv.join(" ")}\` in French and gives commander's own English back`, () => {
      const english = commanderError(argv);
      assert.ok(english.startsWith("error: "), english);
      assert.equal(commanderMessage(english, "en"), english);
      assert.equal(commanderMessage(english, "fr"), french);
    });
  }

  it("leaves a sentence it does not know as commander wrote it", () => {
    assert.equal(commanderMessage("error: something new\n", "fr"), "error: something new\n");
  });
});
