import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ErrorCode } from "../errors/error-catalogue.ts";
import { normalizeTarget } from "./normalize-target.ts";
import type { TargetKind } from "./target-kind.ts";

type Accept = {
  why: string;
  input: string;
  as?: TargetKind;
  ok: true;
  kind: TargetKind;
  value: string;
  display: string;
  warning?: string;
};
type Refuse = {
  why: string;
  input: string;
  as?: TargetKind;
  ok: false;
  kind: TargetKind | null;
  code: ErrorCode;
};
type Row = Accept | Refuse;

type Options = { as?: TargetKind; display?: string; warning?: string };

function accepts(why: string, input: string, kind: TargetKind, value: string, options: Options = {}): Row {
  const row: Accept = { why, input, ok: true, kind, value, display: options.display ?? value };
  if (options.as) row.as = options.as;
  if (options.warning) row.warning = options.warning;
  return row;
}

function refuses(why: string, input: string, code: ErrorCode, kind: TargetKind | null, as?: TargetKind): Row {
  return as ? { why, input, as, ok: false, kind, code } : { why, input, ok: false, kind, code };
}

const a63 = "a".repeat(63);
const name253 = `${a63}.${a63}.${a63}.${"b".repeat(58)}.tv`;
const name254 = `${a63}.${a63}.${a63}.${"b".repeat(59)}.tv`;

const hostNames: Row[] = [
  accepts("accepts a plain name as an fqdn", "dpstream.tv", "fqdn", "dpstream.tv"),
  accepts("lowercases an uppercase name", "FifoStream.COM", "fqdn", "fifostream.com"),
  accepts("trims surrounding whitespace", "  allostreaming.com\t\n", "fqdn", "allostreaming.com"),
  accepts("drops one trailing dot", "alloshowtv.com.", "fqdn", "alloshowtv.com"),
  accepts("keeps a deep subdomain", "a.b.c.d.e.f.dpstream.tv", "fqdn", "a.b.c.d.e.f.dpstream.tv"),
  accepts("accepts a label that starts with a digit", "1password.com", "fqdn", "1password.com"),
  accepts("accepts an all-numeric label that is not the last", "123.tv", "fqdn", "123.tv"),
  accepts("accepts a hyphen inside a label", "fifo-stream.org", "fqdn", "fifo-stream.org"),
  accepts("accepts -- outside the third and fourth positions", "a--b.tv", "fqdn", "a--b.tv"),
  accepts("accepts a label of 63 octets", `${a63}.tv`, "fqdn", `${a63}.tv`),
  accepts("accepts a name of 253 octets", name253, "fqdn", name253),
  accepts("accepts a name of 253 octets written with its trailing dot", `${name253}.`, "fqdn", name253),
  accepts("accepts a name under an unlisted top-level domain", "site.unknowntld", "fqdn", "site.unknowntld"),
  accepts("accepts a name under a private-section suffix", "foo.github.io", "fqdn", "foo.github.io"),
  accepts("accepts a name under blogspot.com", "films.blogspot.com", "fqdn", "films.blogspot.com"),
  accepts(
    "accepts a bucket under s3.amazonaws.com",
    "bucket.s3.amazonaws.com",
    "fqdn",
    "bucket.s3.amazonaws.com",
  ),
  accepts("accepts a registrable name under co.uk", "bbc.co.uk", "fqdn", "bbc.co.uk"),
  accepts("accepts the exception rule www.ck", "www.ck", "fqdn", "www.ck"),

  refuses(
    "refuses a name with an underscore label",
    "_dmarc.dpstream.tv",
    "TARGET_INVALID_CHARACTER",
    "fqdn",
  ),
  refuses("refuses an underscore inside a label", "dp_stream.tv", "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses a space inside a name", "dpstream .tv", "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses an e-mail address", "abuse@dpstream.tv", "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses an exclamation mark", "dp!stream.tv", "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses a percent sign", "dp%73tream.tv", "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses a trailing comma from a pasted list", "dpstream.tv,", "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses a quoted name", '"dpstream.tv"', "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses a tab inside a name", "dp\tstream.tv", "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses a bare star", "*", "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses a star in the middle of a name", "dpstream.*.tv", "TARGET_INVALID_CHARACTER", "fqdn"),
  refuses("refuses a bare dot", ".", "TARGET_EMPTY_LABEL", "fqdn"),
  refuses("refuses two trailing dots", "dpstream.tv..", "TARGET_EMPTY_LABEL", "fqdn"),
  refuses("refuses two dots in a row", "www..dpstream.tv", "TARGET_EMPTY_LABEL", "fqdn"),
  refuses("refuses a leading dot", ".dpstream.tv", "TARGET_EMPTY_LABEL", "fqdn"),
  refuses("refuses a leading hyphen", "-dpstream.tv", "TARGET_INVALID_LABEL", "fqdn"),
  refuses("refuses a trailing hyphen", "dpstream-.tv", "TARGET_INVALID_LABEL", "fqdn"),
  refuses("refuses -- in the third and fourth positions", "dp--stream.tv", "TARGET_INVALID_LABEL", "fqdn"),
  refuses("refuses a numeric top-level label", "dpstream.123", "TARGET_INVALID_LABEL", "fqdn"),
  refuses("refuses a label of 64 octets", `${"a".repeat(64)}.tv`, "TARGET_LABEL_TOO_LONG", "fqdn"),
  refuses("refuses a name of 254 octets", name254, "TARGET_NAME_TOO_LONG", "fqdn"),
];

const internationalNames: Row[] = [
  accepts("converts bücher.de to its A-label", "bücher.de", "fqdn", "xn--bcher-kva.de", {
    display: "bücher.de",
  }),
  accepts("reads the A-label of bücher.de back", "xn--bcher-kva.de", "fqdn", "xn--bcher-kva.de", {
    display: "bücher.de",
  }),
  accepts("lowercases an uppercase A-label", "XN--BCHER-KVA.DE", "fqdn", "xn--bcher-kva.de", {
    display: "bücher.de",
  }),
  accepts("composes a decomposed ü (NFC)", "bu\u0308cher.de", "fqdn", "xn--bcher-kva.de", {
    display: "bücher.de",
  }),
  accepts("converts münchen.de", "münchen.de", "fqdn", "xn--mnchen-3ya.de", { display: "münchen.de" }),
  accepts("case-folds an uppercase Unicode name", "MÜNCHEN.DE", "fqdn", "xn--mnchen-3ya.de", {
    display: "münchen.de",
  }),
  accepts("converts a Japanese name with an ideographic full stop", "例え。jp", "fqdn", "xn--r8jz45g.jp", {
    display: "例え.jp",
  }),
  accepts("keeps ß under non-transitional processing", "straße.de", "fqdn", "xn--strae-oqa.de", {
    display: "straße.de",
  }),
  accepts("keeps ß distinct from ss", "faß.de", "fqdn", "xn--fa-hia.de", { display: "faß.de" }),
  accepts("reads the A-label of straße.de back", "xn--strae-oqa.de", "fqdn", "xn--strae-oqa.de", {
    display: "straße.de",
  }),
  accepts("maps capital sharp s to ß", "ẞ.de", "fqdn", "xn--zca.de", { display: "ß.de" }),
  accepts("keeps a Greek final sigma", "σας.gr", "fqdn", "xn--mxa8ab.gr", { display: "σας.gr" }),
  accepts("folds capital sigma to σ, never to ς", "ΣΑΣ.gr", "fqdn", "xn--mxa9ab.gr", { display: "σασ.gr" }),
  accepts("converts a Cyrillic name under .рф", "пример.рф", "fqdn", "xn--e1afmkfd.xn--p1ai", {
    display: "пример.рф",
  }),
  accepts("converts an Arabic name", "مثال.إختبار", "fqdn", "xn--mgbh0fb.xn--kgbechtv", {
    display: "مثال.إختبار",
  }),
  accepts("accepts a Hebrew label that satisfies the Bidi rule", "אב.com", "fqdn", "xn--4dbc.com", {
    display: "אב.com",
  }),
  accepts("accepts a Korean name", "한국.kr", "fqdn", "xn--3e0b707e.kr", { display: "한국.kr" }),
  accepts(
    "accepts Katakana with the prolonged sound mark",
    "ファッション.jp",
    "fqdn",
    "xn--bck1b9a5dre4c.jp",
    {
      display: "ファッション.jp",
    },
  ),
  accepts(
    "does not warn about Han, Hiragana and Katakana together",
    "日本語ドメイン.jp",
    "fqdn",
    "xn--eckwd4c7c5976acvb2w6i.jp",
    {
      display: "日本語ドメイン.jp",
    },
  ),
  accepts(
    "does not warn about Latin mixed with Katakana (UTS #39)",
    "ソニーstore.jp",
    "fqdn",
    "xn--store-8q4drd9r.jp",
    {
      display: "ソニーstore.jp",
    },
  ),
  accepts(
    "maps fullwidth letters and a fullwidth full stop",
    "ｄｐｓｔｒｅａｍ．ｔｖ",
    "fqdn",
    "dpstream.tv",
  ),
  accepts("maps a halfwidth ideographic full stop", "dpstream｡tv", "fqdn", "dpstream.tv"),
  accepts("drops a trailing fullwidth full stop", "dpstream．tv．", "fqdn", "dpstream.tv"),
  accepts("maps circled letters", "ⓓⓟⓢⓣⓡⓔⓐⓜ.tv", "fqdn", "dpstream.tv"),
  accepts("removes a soft hyphen, which UTS #46 ignores", "dp\u00adstream.tv", "fqdn", "dpstream.tv"),
  accepts(
    "maps a dotted capital I to i with a combining dot",
    "\u0130stanbul.tr",
    "fqdn",
    "xn--istanbul-o0e.tr",
    {
      display: "i\u0307stanbul.tr",
    },
  ),
  accepts(
    "accepts an emoji name, which UTS #46 allows and browsers resolve",
    "😀.com",
    "fqdn",
    "xn--e28h.com",
    {
      display: "😀.com",
    },
  ),
  accepts("reads an emoji A-label back", "xn--i-7iq.ws", "fqdn", "xn--i-7iq.ws", { display: "i❤.ws" }),
  accepts("accepts a zero width joiner after a virama", "क्\u200dष.com", "fqdn", "xn--11b2ezcw70k.com", {
    display: "क्\u200dष.com",
  }),
  accepts(
    "accepts a zero width non-joiner between joining Persian letters",
    "می\u200cخواهم.ir",
    "fqdn",
    "xn--mgbn2ecje63gr19l.ir",
    {
      display: "می\u200cخواهم.ir",
    },
  ),
  accepts("accepts an xn-- label that decodes to valid Han", "xn--dpstream.tv", "fqdn", "xn--dpstream.tv", {
    display: "奷奻墲奸奸.tv",
  }),
  accepts("warns about a Cyrillic а among Latin letters", "pаypal.com", "fqdn", "xn--pypal-4ve.com", {
    display: "pаypal.com",
    warning: "NAME_MIXED_SCRIPTS",
  }),
  accepts("warns about a Greek ο among Latin letters", "gοogle.com", "fqdn", "xn--gogle-rce.com", {
    display: "gοogle.com",
    warning: "NAME_MIXED_SCRIPTS",
  }),
  accepts("warns about Latin and Greek in one label", "abcαβγ.com", "fqdn", "xn--abc-qxcfg.com", {
    display: "abcαβγ.com",
    warning: "NAME_MIXED_SCRIPTS",
  }),
  accepts(
    "does not warn about a whole-script look-alike, which needs a confusables list",
    "аррӏе.com",
    "fqdn",
    "xn--80ak6aa92e.com",
    {
      display: "аррӏе.com",
    },
  ),

  accepts(
    "counts hyphen positions in code points, not UTF-16 units",
    "😀--x.com",
    "fqdn",
    "xn----x-qh33b.com",
    {
      display: "😀--x.com",
    },
  ),
  refuses(
    "refuses -- in the third and fourth positions of a Unicode label",
    "üa--x.com",
    "TARGET_INVALID_LABEL",
    "fqdn",
  ),
  refuses("refuses invalid Punycode", "xn--zz.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses("refuses an xn-- label that decodes to ASCII only", "xn--abc.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses("refuses an A-label ending in a hyphen", "xn--bcher-kva-.de", "TARGET_INVALID_LABEL", "fqdn"),
  refuses("refuses a stray zero width joiner", "a\u200db.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses("refuses a trailing zero width non-joiner", "ab\u200c.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses(
    "refuses a zero width non-joiner after a right-joining letter",
    "ا\u200cب.com",
    "TARGET_INVALID_IDN",
    "fqdn",
  ),
  refuses("refuses a right-to-left label that starts with a digit", "1ב.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses("refuses Hebrew followed by Latin in one label", "אa.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses("refuses Latin followed by Hebrew in one label", "aא.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses("refuses a label that begins with a combining mark", "\u0301a.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses("refuses a one dot leader, which UTS #46 disallows", "a\u2024b.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses("refuses a lone surrogate", "\ud800.com", "TARGET_INVALID_IDN", "fqdn"),
  refuses(
    "refuses a fullwidth low line as an underscore",
    "ｄｐ＿ｓｔｒｅａｍ．ｔｖ",
    "TARGET_INVALID_CHARACTER",
    "fqdn",
  ),
  refuses(
    "refuses a no-break space, which UTS #46 maps to a space",
    "dp\u00a0stream.tv",
    "TARGET_INVALID_CHARACTER",
    "fqdn",
  ),
  refuses(
    "refuses an IDN label that is too long as an A-label",
    `${"ü".repeat(60)}.de`,
    "TARGET_LABEL_TOO_LONG",
    "fqdn",
  ),
];

const scopes: Row[] = [
  refuses("refuses a top-level domain from the ICANN section", "com", "TARGET_PUBLIC_SUFFIX", "fqdn"),
  refuses("refuses a second-level public suffix", "co.uk", "TARGET_PUBLIC_SUFFIX", "fqdn"),
  refuses("refuses a public suffix from the private section", "github.io", "TARGET_PUBLIC_SUFFIX", "fqdn"),
  refuses("refuses blogspot.com, a private-section suffix", "blogspot.com", "TARGET_PUBLIC_SUFFIX", "fqdn"),
  refuses(
    "refuses s3.amazonaws.com, a private-section suffix",
    "s3.amazonaws.com",
    "TARGET_PUBLIC_SUFFIX",
    "fqdn",
  ),
  refuses("refuses a wildcard rule match (*.ck)", "foo.ck", "TARGET_PUBLIC_SUFFIX", "fqdn"),
  refuses("refuses an IDN public suffix", "東京.jp", "TARGET_PUBLIC_SUFFIX", "fqdn"),
  refuses("refuses an IDN top-level domain as an A-label", "xn--p1ai", "TARGET_PUBLIC_SUFFIX", "fqdn"),
  refuses("refuses a wildcard over a public suffix", "*.co.uk", "TARGET_PUBLIC_SUFFIX", "domain"),
  refuses("refuses a single label", "intranet", "TARGET_SINGLE_LABEL", "fqdn"),
  refuses(
    "refuses localhost as special-use before single label",
    "localhost",
    "TARGET_SPECIAL_USE_NAME",
    "fqdn",
  ),
  refuses(
    "refuses localhost written in uppercase with a dot",
    "LOCALHOST.",
    "TARGET_SPECIAL_USE_NAME",
    "fqdn",
  ),
  refuses("refuses a name under localhost", "www.localhost", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses a name under .test", "dpstream.test", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses a name under .invalid", "dpstream.invalid", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses .example", "site.example", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses example.com", "example.com", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses a name under example.com", "www.example.com", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses example.net", "example.net", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses example.org", "example.org", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses(
    "refuses example.com written in fullwidth",
    "ｅｘａｍｐｌｅ．ｃｏｍ",
    "TARGET_SPECIAL_USE_NAME",
    "fqdn",
  ),
  refuses("refuses a multicast DNS name", "printer.local", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses(
    "refuses an onion service",
    "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
    "TARGET_SPECIAL_USE_NAME",
    "fqdn",
  ),
  refuses("refuses a name under home.arpa", "router.home.arpa", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses a reverse-mapping name", "7.97.114.188.in-addr.arpa", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses an IPv6 reverse-mapping name", "1.0.0.0.ip6.arpa", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses arpa itself", "arpa", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses a name under .internal", "wiki.corp.internal", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses a name under .alt", "site.alt", "TARGET_SPECIAL_USE_NAME", "fqdn"),
  refuses("refuses a wildcard over a special-use name", "*.example.com", "TARGET_SPECIAL_USE_NAME", "domain"),
];

const kinds: Row[] = [
  accepts("infers a domain from a leading *.", "*.dpstream.tv", "domain", "dpstream.tv"),
  accepts("infers a domain over an IDN", "*.bücher.de", "domain", "xn--bcher-kva.de", {
    display: "bücher.de",
  }),
  accepts("strips *. under an explicit domain kind", "*.dpstream.tv", "domain", "dpstream.tv", {
    as: "domain",
  }),
  accepts("reads a bare name as a domain when asked", "dpstream.tv", "domain", "dpstream.tv", {
    as: "domain",
  }),
  accepts("reads an address as ip when asked", "188.114.97.7", "ip", "188.114.97.7", { as: "ip" }),
  accepts("reads a prefix as cidr when asked", "188.114.97.0/24", "cidr", "188.114.97.0/24", { as: "cidr" }),
  accepts("reads a URL as url when asked", "https://dpstream.tv", "url", "https://dpstream.tv/", {
    as: "url",
  }),
  refuses(
    "refuses a wildcard under an explicit fqdn kind",
    "*.dpstream.tv",
    "TARGET_KIND_MISMATCH",
    "fqdn",
    "fqdn",
  ),
  refuses(
    "refuses an IP address under the fqdn kind",
    "188.114.97.7",
    "TARGET_KIND_MISMATCH",
    "fqdn",
    "fqdn",
  ),
  refuses(
    "refuses an IP address under the domain kind",
    "188.114.97.7",
    "TARGET_KIND_MISMATCH",
    "domain",
    "domain",
  ),
  refuses("refuses a prefix under the ip kind", "188.114.97.0/24", "TARGET_KIND_MISMATCH", "ip", "ip"),
  refuses("refuses a /32 under the ip kind", "188.114.97.7/32", "TARGET_KIND_MISMATCH", "ip", "ip"),
  refuses(
    "refuses an address without a prefix under the cidr kind",
    "188.114.97.7",
    "TARGET_KIND_MISMATCH",
    "cidr",
    "cidr",
  ),
  refuses("refuses a host name under the ip kind", "dpstream.tv", "TARGET_KIND_MISMATCH", "ip", "ip"),
  refuses("refuses a host name under the cidr kind", "dpstream.tv", "TARGET_KIND_MISMATCH", "cidr", "cidr"),
  refuses(
    "refuses a URL under the fqdn kind",
    "https://dpstream.tv/",
    "TARGET_KIND_MISMATCH",
    "fqdn",
    "fqdn",
  ),
  refuses("refuses a URL under the ip kind", "http://188.114.97.7/", "TARGET_KIND_MISMATCH", "ip", "ip"),
  refuses("refuses a bare name under the url kind", "dpstream.tv", "TARGET_URL_SCHEME", "url", "url"),
  refuses("refuses a bare address under the url kind", "188.114.97.7", "TARGET_URL_SCHEME", "url", "url"),
  refuses("refuses an empty input", "", "TARGET_EMPTY", null),
  refuses("refuses input that is only whitespace", " \t\n ", "TARGET_EMPTY", null),
  refuses("keeps the requested kind on an empty input", "  ", "TARGET_EMPTY", "ip", "ip"),
  refuses("refuses a wildcard with nothing after it", "*.", "TARGET_EMPTY_LABEL", "domain"),
  refuses("refuses a second wildcard label", "*.*.dpstream.tv", "TARGET_INVALID_CHARACTER", "domain"),
];

const urls: Row[] = [
  accepts("adds the root path to a bare https URL", "https://dpstream.tv", "url", "https://dpstream.tv/"),
  accepts(
    "lowercases the scheme and host but not the path",
    "HTTPS://DPSTREAM.TV/Film/A",
    "url",
    "https://dpstream.tv/Film/A",
  ),
  accepts("drops the default https port", "https://dpstream.tv:443/x", "url", "https://dpstream.tv/x"),
  accepts("drops the default http port", "http://dpstream.tv:80/x", "url", "http://dpstream.tv/x"),
  accepts("keeps a non-default port", "https://dpstream.tv:8443/x", "url", "https://dpstream.tv:8443/x"),
  accepts("keeps port 80 on https", "https://dpstream.tv:80/x", "url", "https://dpstream.tv:80/x"),
  accepts(
    "drops the fragment",
    "https://dpstream.tv/film?id=7#player",
    "url",
    "https://dpstream.tv/film?id=7",
  ),
  accepts("drops an empty query and fragment", "https://dpstream.tv/?#", "url", "https://dpstream.tv/"),
  accepts(
    "resolves dot segments in the path",
    "https://dpstream.tv/a/./b/../c",
    "url",
    "https://dpstream.tv/a/c",
  ),
  accepts(
    "percent-encodes spaces in path and query",
    "https://dpstream.tv/a b?q=1 2",
    "url",
    "https://dpstream.tv/a%20b?q=1%202",
  ),
  accepts("drops the trailing dot of the host", "https://dpstream.tv./x", "url", "https://dpstream.tv/x"),
  accepts(
    "stores an IDN host as its A-label and shows it in Unicode",
    "https://bücher.de/straße",
    "url",
    "https://xn--bcher-kva.de/stra%C3%9Fe",
    {
      display: "https://bücher.de/stra%C3%9Fe",
    },
  ),
  accepts("shows an A-label host in Unicode", "https://xn--r8jz45g.jp/", "url", "https://xn--r8jz45g.jp/", {
    display: "https://例え.jp/",
  }),
  accepts("accepts an IPv4 host", "http://188.114.97.7/x", "url", "http://188.114.97.7/x"),
  accepts(
    "accepts a bracketed IPv6 host with a port",
    "https://[2606:4700:4700:0::1111]:8443/x",
    "url",
    "https://[2606:4700:4700::1111]:8443/x",
  ),
  accepts(
    "turns an IPv4-mapped host into IPv4",
    "http://[::ffff:188.114.97.7]/",
    "url",
    "http://188.114.97.7/",
    {
      warning: "NAME_IPV4_MAPPED",
    },
  ),
  accepts(
    "accepts a page on a public-suffix host, which names one resource",
    "https://s3.amazonaws.com/bucket/film.mp4",
    "url",
    "https://s3.amazonaws.com/bucket/film.mp4",
  ),
  refuses(
    "refuses credentials in a URL",
    "https://user:secret@dpstream.tv/",
    "TARGET_URL_CREDENTIALS",
    "url",
  ),
  refuses("refuses a user name alone in a URL", "https://user@dpstream.tv/", "TARGET_URL_CREDENTIALS", "url"),
  refuses("refuses an ftp URL", "ftp://dpstream.tv/film.mkv", "TARGET_URL_SCHEME", "url"),
  refuses("refuses an uppercase ftp scheme", "FTP://dpstream.tv/", "TARGET_URL_SCHEME", "url"),
  refuses("refuses a javascript: URL", "javascript:alert(1)", "TARGET_URL_SCHEME", "url"),
  refuses("refuses a mailto: URL", "mailto:abuse@dpstream.tv", "TARGET_URL_SCHEME", "url"),
  refuses("refuses a data: URL", "data:text/html,hi", "TARGET_URL_SCHEME", "url"),
  refuses("refuses a name with a path but no scheme", "dpstream.tv/film", "TARGET_URL_SCHEME", "url"),
  refuses("refuses a name with a port but no scheme", "dpstream.tv:8080", "TARGET_URL_SCHEME", "url"),
  refuses("refuses a name with a query but no scheme", "dpstream.tv?id=7", "TARGET_URL_SCHEME", "url"),
  refuses("refuses a URL without a host", "https://", "TARGET_INVALID_URL", "url"),
  refuses("refuses a port out of range", "https://dpstream.tv:99999/", "TARGET_INVALID_URL", "url"),
  refuses("refuses a port that is not a number", "https://dpstream.tv:abc/", "TARGET_INVALID_URL", "url"),
  refuses("refuses an unclosed IPv6 host", "https://[2606:4700:4700::1111/", "TARGET_INVALID_URL", "url"),
  refuses("refuses an underscore in a URL host", "https://dp_stream.tv/", "TARGET_INVALID_CHARACTER", "url"),
  refuses("refuses invalid Punycode in a URL host", "https://xn--zz.com/", "TARGET_INVALID_IDN", "url"),
  refuses("refuses a special-use URL host", "http://localhost:8080/", "TARGET_SPECIAL_USE_NAME", "url"),
  refuses("refuses a single-label URL host", "http://intranet/", "TARGET_SINGLE_LABEL", "url"),
  refuses("refuses a private URL host", "http://10.0.0.1/admin", "TARGET_PRIVATE_RANGE", "url"),
  refuses("refuses a loopback IPv6 URL host", "http://[::1]/", "TARGET_SPECIAL_RANGE", "url"),
  refuses("refuses a hexadecimal IPv4 URL host", "http://0x7f.1/", "TARGET_INVALID_IP", "url"),
  refuses("refuses a zone id in a URL host", "https://[fe80::1%25eth0]/", "TARGET_INVALID_IP", "url"),
];

const addresses: Row[] = [
  accepts("accepts a public IPv4 address", "188.114.97.7", "ip", "188.114.97.7"),
  accepts("accepts 8.8.8.8", "8.8.8.8", "ip", "8.8.8.8"),
  accepts("accepts an address just outside 172.16.0.0/12", "172.32.0.1", "ip", "172.32.0.1"),
  accepts("accepts an address just outside 100.64.0.0/10", "100.128.0.1", "ip", "100.128.0.1"),
  accepts("accepts an address just outside 198.18.0.0/15", "198.20.0.1", "ip", "198.20.0.1"),
  accepts("accepts a bracketed IPv4 address", "[188.114.97.7]", "ip", "188.114.97.7"),
  accepts(
    "compresses IPv6 zeros (RFC 5952)",
    "2606:4700:4700:0000:0000:0000:0000:1111",
    "ip",
    "2606:4700:4700::1111",
  ),
  accepts(
    "compresses a partly compressed IPv6 address",
    "2606:4700:4700:0::1111",
    "ip",
    "2606:4700:4700::1111",
  ),
  accepts("lowercases IPv6 hex digits", "2A00:1450:4007:80A::200E", "ip", "2a00:1450:4007:80a::200e"),
  accepts("strips brackets from IPv6", "[2606:4700:4700::1111]", "ip", "2606:4700:4700::1111"),
  accepts(
    "writes embedded IPv4 in IPv6 as hex",
    "2606:4700:4700::188.114.97.7",
    "ip",
    "2606:4700:4700::bc72:6107",
  ),
  accepts("accepts an address outside 3fff::/20", "3fff:1000::1", "ip", "3fff:1000::1"),
  accepts("turns IPv4-mapped IPv6 into IPv4", "::ffff:188.114.97.7", "ip", "188.114.97.7", {
    warning: "NAME_IPV4_MAPPED",
  }),
  accepts("turns hex IPv4-mapped IPv6 into IPv4", "::ffff:bc72:6107", "ip", "188.114.97.7", {
    warning: "NAME_IPV4_MAPPED",
  }),
  refuses("refuses a leading zero in an octet", "010.1.1.1", "TARGET_IPV4_LEADING_ZERO", "ip"),
  refuses("refuses an octal-looking octet", "0177.0.0.1", "TARGET_IPV4_LEADING_ZERO", "ip"),
  refuses("refuses a leading zero that is not octal either", "09.1.1.1", "TARGET_IPV4_LEADING_ZERO", "ip"),
  refuses("refuses a leading zero in the last octet", "188.114.97.07", "TARGET_IPV4_LEADING_ZERO", "ip"),
  refuses(
    "refuses a leading zero inside IPv4-mapped IPv6",
    "::ffff:010.1.1.1",
    "TARGET_IPV4_LEADING_ZERO",
    "ip",
  ),
  refuses("refuses a hexadecimal IPv4 form", "0x7f.0.0.1", "TARGET_INVALID_IP", "ip"),
  refuses("refuses a short IPv4 form", "127.1", "TARGET_INVALID_IP", "ip"),
  refuses("refuses a three-part IPv4 form", "188.114.97", "TARGET_INVALID_IP", "ip"),
  refuses("refuses a single-number IPv4 form", "3161612551", "TARGET_INVALID_IP", "ip"),
  refuses("refuses an octet out of range", "256.1.1.1", "TARGET_INVALID_IP", "ip"),
  refuses("refuses five parts", "1.2.3.4.5", "TARGET_INVALID_IP", "ip"),
  refuses("refuses a trailing dot after an IPv4 address", "188.114.97.7.", "TARGET_INVALID_IP", "ip"),
  refuses("refuses a zone id", "fe80::1%eth0", "TARGET_INVALID_IP", "ip"),
  refuses("refuses a zone id on a global address", "2606:4700:4700::1111%eth0", "TARGET_INVALID_IP", "ip"),
  refuses("refuses two :: in IPv6", "1::2::3", "TARGET_INVALID_IP", "ip"),
  refuses("refuses nine IPv6 groups", "1:2:3:4:5:6:7:8:9", "TARGET_INVALID_IP", "ip"),
  refuses("refuses a trailing colon in IPv6", "2606:4700:4700::1111:", "TARGET_INVALID_IP", "ip"),
  refuses("refuses a hexadecimal IPv4 inside IPv6", "::ffff:0x1.1.1.1", "TARGET_INVALID_IP", "ip"),
  refuses("refuses a bracketed name", "[dpstream.tv]", "TARGET_INVALID_IP", "ip"),
  refuses(
    "refuses a mapped address of a documentation range",
    "::ffff:198.51.100.7",
    "TARGET_SPECIAL_RANGE",
    "ip",
  ),
  refuses("refuses a deprecated IPv4-compatible address", "::188.114.97.7", "TARGET_SPECIAL_RANGE", "ip"),
];

const prefixes: Row[] = [
  accepts("accepts a /24", "188.114.97.0/24", "cidr", "188.114.97.0/24"),
  accepts("accepts a /25", "188.114.97.128/25", "cidr", "188.114.97.128/25"),
  accepts("accepts a /32", "188.114.97.7/32", "cidr", "188.114.97.7/32"),
  accepts("accepts a /48", "2a00:1450:4007::/48", "cidr", "2a00:1450:4007::/48"),
  accepts("accepts a /64 written long", "2a00:1450:4007:080a:0:0:0:0/64", "cidr", "2a00:1450:4007:80a::/64"),
  accepts("accepts a bracketed IPv6 prefix", "[2a00:1450:4007::]/48", "cidr", "2a00:1450:4007::/48"),
  accepts("turns an IPv4-mapped prefix into IPv4", "::ffff:188.114.97.0/120", "cidr", "188.114.97.0/24", {
    warning: "NAME_IPV4_MAPPED",
  }),
  refuses("refuses host bits in an IPv4 prefix", "188.114.97.7/24", "TARGET_CIDR_HOST_BITS", "cidr"),
  refuses("refuses host bits in an IPv6 prefix", "2a00:1450:4007:80a::1/64", "TARGET_CIDR_HOST_BITS", "cidr"),
  refuses("refuses a /23", "188.114.96.0/23", "TARGET_PREFIX_TOO_WIDE", "cidr"),
  refuses("refuses a /47", "2a00:1450:4006::/47", "TARGET_PREFIX_TOO_WIDE", "cidr"),
  refuses("refuses the whole IPv4 space", "0.0.0.0/0", "TARGET_PREFIX_TOO_WIDE", "cidr"),
  refuses("refuses a prefix length over 32", "188.114.97.0/33", "TARGET_INVALID_IP", "cidr"),
  refuses("refuses a prefix length over 128", "2a00:1450:4007::/129", "TARGET_INVALID_IP", "cidr"),
  refuses("refuses an empty prefix length", "188.114.97.0/", "TARGET_INVALID_IP", "cidr"),
  refuses("refuses a prefix length with a leading zero", "188.114.97.0/024", "TARGET_INVALID_IP", "cidr"),
  refuses("refuses a prefix length that is not a number", "188.114.97.0/x", "TARGET_INVALID_IP", "cidr"),
];

const ranges: Row[] = [
  refuses("refuses 10.0.0.0/8 as private", "10.1.2.3", "TARGET_PRIVATE_RANGE", "ip"),
  refuses("refuses 172.16.0.0/12 as private", "172.16.0.1", "TARGET_PRIVATE_RANGE", "ip"),
  refuses("refuses 192.168.0.0/16 as private", "192.168.1.1", "TARGET_PRIVATE_RANGE", "ip"),
  refuses("refuses shared CGN space as private", "100.64.0.1", "TARGET_PRIVATE_RANGE", "ip"),
  refuses("refuses a ULA address as private", "fd12:3456:789a::1", "TARGET_PRIVATE_RANGE", "ip"),
  refuses("refuses a private /24", "192.168.1.0/24", "TARGET_PRIVATE_RANGE", "cidr"),
  refuses("refuses a ULA /48", "fd00::/48", "TARGET_PRIVATE_RANGE", "cidr"),
  refuses("refuses loopback", "127.0.0.1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses IPv6 loopback", "::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses the unspecified IPv6 address", "::", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses 0.0.0.0", "0.0.0.0", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses link-local IPv4 (cloud metadata)", "169.254.169.254", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses link-local IPv6", "fe80::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses TEST-NET-1", "192.0.2.1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses TEST-NET-2", "198.51.100.7", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses TEST-NET-3", "203.0.113.9", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses TEST-NET-1 as a prefix", "192.0.2.0/24", "TARGET_SPECIAL_RANGE", "cidr"),
  refuses("refuses IPv6 documentation space", "2001:db8::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses the newer IPv6 documentation space 3fff::/20", "3fff::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses benchmarking space", "198.18.0.1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses the top of benchmarking space", "198.19.255.255", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses IPv6 benchmarking space", "2001:2::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses IPv4 multicast", "224.0.0.251", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses the top of IPv4 multicast", "239.255.255.250", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses IPv6 multicast", "ff02::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses class E", "240.0.0.1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses limited broadcast", "255.255.255.255", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses a protocol anycast address in 192.0.0.0/24", "192.0.0.9", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses all of 192.0.0.0/24", "192.0.0.0/24", "TARGET_SPECIAL_RANGE", "cidr"),
  refuses("refuses the deprecated 6to4 relay anycast", "192.88.99.1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses TEREDO", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses other IETF protocol assignments in 2001::/23", "2001:4::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses ORCHIDv2", "2001:20::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses 6to4", "2002:c000:204::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses NAT64", "64:ff9b::188.114.97.7", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses local-use NAT64", "64:ff9b:1::/48", "TARGET_SPECIAL_RANGE", "cidr"),
  refuses("refuses the discard prefix", "100::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses SRv6 SIDs", "5f00::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses deprecated site-local", "fec0::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses IPv6 outside global unicast", "4000::1", "TARGET_SPECIAL_RANGE", "ip"),
  refuses("refuses a TEREDO prefix", "2001:0:1::/48", "TARGET_SPECIAL_RANGE", "cidr"),
  refuses("refuses the AS112 direct delegation prefix", "2620:4f:8000::/48", "TARGET_SPECIAL_RANGE", "cidr"),
];

const groups: [string, Row[]][] = [
  ["host names", hostNames],
  ["internationalized names", internationalNames],
  ["public suffixes and special-use names", scopes],
  ["kinds", kinds],
  ["URLs", urls],
  ["IP addresses", addresses],
  ["prefixes", prefixes],
  ["special-purpose ranges", ranges],
];

for (const [group, rows] of groups) {
  describe(`normalizeTarget on ${group}`, () => {
    for (const row of rows) {
      test(row.why, () => {
        const result = normalizeTarget(row.input, row.as);
        if (row.ok) {
          assert.ok(
            result.ok,
            `expected acceptance, got ${result.ok ? "" : `${result.code}: ${result.message}`}`,
          );
          assert.deepEqual(
            { kind: result.kind, value: result.value, display: result.display },
            { kind: row.kind, value: row.value, display: row.display },
          );
          assert.deepEqual(
            result.warnings.map((warning) => warning.code),
            row.warning ? [row.warning] : [],
          );
        } else {
          assert.ok(!result.ok, `expected ${row.code}, got ${result.ok ? result.value : ""}`);
          assert.deepEqual({ code: result.code, kind: result.kind }, { code: row.code, kind: row.kind });
          assert.ok(result.message.length > 0);
        }
        assert.equal(result.input, row.input);
      });
    }
  });
}

test("the table of tricky inputs has at least 120 rows", () => {
  assert.ok(groups.flatMap(([, rows]) => rows).length >= 120);
});

test("normalizing a stored value again gives the same value", () => {
  for (const row of groups.flatMap(([, rows]) => rows)) {
    if (!row.ok) continue;
    const again = normalizeTarget(row.value, row.kind);
    assert.ok(again.ok, `${row.value} was refused on a second pass`);
    assert.equal(again.value, row.value);
    assert.equal(again.kind, row.kind);
  }
});
