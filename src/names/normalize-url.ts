import { checkNameScope } from "./check-name-scope.ts";
import { isIpLiteralLike } from "./infer-target-shape.ts";
import { type Normalized, type Refusal, refuse } from "./name-check.ts";
import { normalizeHostName } from "./normalize-host-name.ts";
import { normalizeIp } from "./normalize-ip.ts";

// Scheme, then the authority as the WHATWG URL parser delimits it for special schemes (slashes and
// backslashes before it, and it ends at "/", "\", "?" or "#").
const urlHead = /^([a-z][a-z0-9+.-]*):[/\\]*([^/\\?#]*)/i;
const supportedSchemes = new Set(["http", "https"]);

/**
 * Normalizes a URL for de-listing: http or https only, no credentials, the host under the same rules as a
 * host name or IP target, the default port dropped, the fragment dropped (it never reaches a server, RFC 3986
 * §3.5), path and query as the WHATWG URL parser normalizes them.
 */
export function normalizeUrl(text: string): Normalized | Refusal {
  const head = urlHead.exec(text);
  const scheme = head?.[1]?.toLowerCase() ?? "";
  if (!head || !supportedSchemes.has(scheme)) return unsupportedScheme(text, scheme);
  const authority = head[2] ?? "";
  if (authority.includes("@")) {
    return refuse(
      "TARGET_URL_CREDENTIALS",
      `${text} carries credentials (the part before "@" in the host). Remove the user:password@ part; a ` +
        "de-listing request names a public page, and credentials must not be stored or published.",
      { input: text },
    );
  }
  const split = splitHostPort(authority, text);
  if (!split.ok) return split;
  const host = normalizeUrlHost(split.host);
  if (!host.ok) return host;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return invalidUrl(text, "the URL parser cannot read it");
  }
  const rest = `${url.port ? `:${url.port}` : ""}${url.pathname}${url.search}`;
  return {
    ok: true,
    value: `${scheme}://${host.value}${rest}`,
    display: `${scheme}://${host.display}${rest}`,
    warnings: host.warnings,
  };
}

export function unsupportedScheme(text: string, scheme: string): Refusal {
  const named = scheme ? `the scheme "${scheme}:"` : "no scheme";
  return refuse(
    "TARGET_URL_SCHEME",
    `${text} has ${named}; decree de-lists only web pages, so a URL must start with https:// or http://.`,
    { input: text },
  );
}

type HostPort = { ok: true; host: string };

function splitHostPort(authority: string, text: string): HostPort | Refusal {
  let host = authority;
  let port = "";
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) return invalidUrl(text, 'its IPv6 host has no closing "]"');
    host = authority.slice(0, close + 1);
    port = authority.slice(close + 1);
  } else if (authority.includes(":")) {
    host = authority.slice(0, authority.indexOf(":"));
    port = authority.slice(authority.indexOf(":"));
  }
  if (host === "") return invalidUrl(text, "it has no host");
  if (port !== "" && !/^:\d*$/.test(port)) return invalidUrl(text, `"${port.slice(1)}" is not a port number`);
  return { ok: true, host };
}

function normalizeUrlHost(host: string): Normalized | Refusal {
  if (isIpLiteralLike(host)) {
    const ip = normalizeIp(host, false);
    if (!ip.ok || !ip.value.includes(":")) return ip;
    return { ...ip, value: `[${ip.value}]`, display: `[${ip.display}]` };
  }
  const name = normalizeHostName(host);
  if (!name.ok) return name;
  return checkNameScope(name.value, name.display, { publicSuffix: false }) ?? name;
}

function invalidUrl(text: string, why: string): Refusal {
  return refuse(
    "TARGET_INVALID_URL",
    `${text} is not a valid URL: ${why}. Copy the URL from the browser's address bar.`,
    { input: text },
  );
}
