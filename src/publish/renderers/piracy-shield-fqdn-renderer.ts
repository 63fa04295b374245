import { piracyShieldList } from "./piracy-shield-list.ts";

export const piracyShieldFqdnRenderer = piracyShieldList("fqdn", (entry) =>
  entry.kind === "fqdn" || entry.kind === "domain" ? entry.value : undefined,
);
