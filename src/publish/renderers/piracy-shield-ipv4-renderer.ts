import { piracyShieldList } from "./piracy-shield-list.ts";

export const piracyShieldIpv4Renderer = piracyShieldList("ipv4", (entry) =>
  entry.kind === "ip" && !entry.value.includes(":") ? entry.value : undefined,
);
