import { piracyShieldList } from "./piracy-shield-list.ts";

export const piracyShieldIpv6Renderer = piracyShieldList("ipv6", (entry) =>
  entry.kind === "ip" && entry.value.includes(":") ? entry.value : undefined,
);
