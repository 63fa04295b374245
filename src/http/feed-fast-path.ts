import type { IncomingMessage, ServerResponse } from "node:http";
import type { CachedFeed, FeedCache } from "../publish/feeds/feed-cache.ts";
import { feedHeaders, matchesEtag } from "./send-signed-feed.ts";

/** `/feeds/<format>` or `/feeds/<format>?since=<serial>`, and nothing else: any other shape goes to the router. */
const feedUrl = /^\/feeds\/([a-z0-9-]{1,100})(?:\?since=(0|[1-9][0-9]{0,9}))?$/;
const maxSerial = 2 ** 32 - 1;

/**
 * The operators' poll, answered before the router: `GET /feeds/<format>[?since=N]` from someone presenting no
 * credential, when the current release's feed is in memory (FeedCache.inMemory), gets the very answer the feed
 * route gives (the same bytes, signature, ETag and 304, and `nosniff` as security-headers.ts adds), without
 * the per-request work of the framework's hooks, none of which applies to it: the route is public and has no
 * rate limit of its own, no credential is there to check, and the URL is digits and letters only.
 * `onAnswer` counts the answer as observe-requests.ts counts the others. Returns false for every other
 * request, and for this one when its feed is not in memory, to be answered by the app as usual.
 */
export function feedFastPath(
  feeds: FeedCache,
  onAnswer: (status: number, startedNs: bigint) => void,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  // A feed never changes once written: its answer's headers are made once, and the same strings sent each time.
  const prepared = new WeakMap<CachedFeed, Prepared>();
  return (request, response) => {
    if (request.method !== "GET") return false;
    const url = request.url;
    if (url === undefined || !url.startsWith("/feeds/")) return false;
    const { headers } = request;
    if (headers.authorization !== undefined || headers.cookie !== undefined) return false;
    const match = feedUrl.exec(url);
    if (!match) return false;
    const since = match[2] === undefined ? undefined : Number(match[2]);
    if (since !== undefined && since > maxSerial) return false;
    const startedNs = process.hrtime.bigint();
    const found = feeds.inMemory(match[1]!, since);
    if (!found) return false;
    let answer = prepared.get(found.feed);
    if (!answer) {
      answer = prepare(found.feed, found.bytes.length);
      prepared.set(found.feed, answer);
    }
    if (matchesEtag(headers["if-none-match"], answer.etag)) {
      response.writeHead(304, answer.notModified);
      response.end();
      onAnswer(304, startedNs);
      return true;
    }
    response.writeHead(200, answer.ok);
    response.end(found.bytes);
    onAnswer(200, startedNs);
    return true;
  };
}

interface Prepared {
  etag: string;
  /** Name, value, name, value…: what `writeHead` takes as is. */
  ok: string[];
  notModified: string[];
}

function prepare(feed: CachedFeed, length: number): Prepared {
  const headers = feedHeaders(feed);
  const common = [...Object.entries(headers).flat(), "x-content-type-options", "nosniff"];
  return {
    etag: headers.etag,
    ok: [...common, "content-type", feed.contentType, "content-length", String(length)],
    notModified: common,
  };
}
