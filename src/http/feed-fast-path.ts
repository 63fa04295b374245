import type { IncomingMessage, ServerResponse } from "node:http";
import type { Audience } from "../publish/audience-zone.ts";
import type { CachedFeed, FeedCache } from "../publish/feeds/feed-cache.ts";
import { decreeToken } from "./credentials.ts";
import { feedHeaders, matchesEtag } from "./send-signed-feed.ts";

/** `/feeds/<format>` or `/feeds/<format>?since=<serial>`, and nothing else: any other shape goes to the router. */
const feedUrl = /^\/feeds\/([a-z0-9-]{1,100})(?:\?since=(0|[1-9][0-9]{0,9}))?$/;
const maxSerial = 2 ** 32 - 1;

/** What the app's hooks do for a request presenting a decree token, done for a poll answered before them. */
export interface TokenPolls {
  /** The audience of the token's organisation (feed-audience.ts); undefined when the token does not check out. */
  audienceOf(token: string): Promise<Audience | undefined>;
  /**
   * Counts the request against its token's rate limit as the app does (rate-limits.ts): the headers the app
   * adds to say so (name, value, …), or undefined when the limit is reached.
   */
  counted(request: IncomingMessage): Promise<string[] | undefined>;
}

type Prepared = ReturnType<typeof prepare>;

/**
 * The operators' poll, answered before the router: `GET /feeds/<format>[?since=N]` without a cookie, when the
 * feed of the release its asker gets is in memory (FeedCache.inMemory), gets the very answer the feed route
 * gives (the same bytes, signature, ETag and 304, and `nosniff` as security-headers.ts adds), without the
 * per-request work of the framework's hooks, none of which applies to it but the token's: the route is public
 * and has no rate limit of its own, and the URL is digits and letters only. A decree token (`tokens`) is
 * checked and counted against its rate limit as the app does, before the answer; one that does not check out,
 * or is over its limit, goes to the app, which says why. `onAnswer` counts the answer as observe-requests.ts
 * counts the others. Returns false for every other request, and for this one when its feed is not in memory,
 * to be answered by the app as usual; a request taken for a token's check is handed to `fallback` if it
 * turns out so.
 */
export function feedFastPath(
  feeds: FeedCache,
  onAnswer: (status: number, startedNs: bigint) => void,
  tokens?: TokenPolls,
  fallback?: (request: IncomingMessage, response: ServerResponse) => void,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  // A feed never changes once written: its answer's headers are made once, and the same strings sent each time.
  const prepared = new WeakMap<CachedFeed, Prepared>();
  const answerOf = (feed: CachedFeed, length: number) => {
    let answer = prepared.get(feed);
    if (!answer) {
      answer = prepare(feed, length);
      prepared.set(feed, answer);
    }
    return answer;
  };
  const send = (
    request: IncomingMessage,
    response: ServerResponse,
    found: { feed: CachedFeed; bytes: Buffer },
    startedNs: bigint,
    extra?: string[],
  ) => {
    const answer = answerOf(found.feed, found.bytes.length);
    if (matchesEtag(request.headers["if-none-match"], answer.etag)) {
      response.writeHead(304, extra ? [...answer.notModified, ...extra] : answer.notModified);
      response.end();
      onAnswer(304, startedNs);
      return;
    }
    response.writeHead(200, extra ? [...answer.ok, ...extra] : answer.ok);
    response.end(found.bytes);
    onAnswer(200, startedNs);
  };
  return (request, response) => {
    if (request.method !== "GET") return false;
    const url = request.url;
    if (url === undefined || !url.startsWith("/feeds/")) return false;
    const { headers } = request;
    if (headers.cookie !== undefined) return false;
    const match = feedUrl.exec(url);
    if (!match) return false;
    const since = match[2] === undefined ? undefined : Number(match[2]);
    if (since !== undefined && since > maxSerial) return false;
    const format = match[1]!;
    const startedNs = process.hrtime.bigint();
    if (headers.authorization === undefined) {
      const found = feeds.inMemory(format, since);
      if (!found) return false;
      send(request, response, found, startedNs);
      return true;
    }
    const token = decreeToken(headers.authorization);
    if (token === undefined || !tokens || !fallback) return false;
    answerWithToken(request, response, token).catch(() => {
      if (!response.headersSent) fallback(request, response);
    });
    return true;

    async function answerWithToken(request: IncomingMessage, response: ServerResponse, token: string) {
      const audience = await tokens!.audienceOf(token);
      const found = audience && feeds.inMemory(format, since, audience);
      // The app answers an unknown token (401) and a cold feed; it counts the request itself.
      if (!found) return fallback!(request, response);
      const limit = await tokens!.counted(request);
      if (!limit) return fallback!(request, response);
      send(request, response, found, startedNs, limit);
    }
  };
}

function prepare(feed: CachedFeed, length: number) {
  const headers = feedHeaders(feed);
  const common = [...Object.entries(headers).flat(), "x-content-type-options", "nosniff"];
  return {
    etag: headers.etag,
    /** Name, value, name, value…: what `writeHead` takes as is. */
    ok: [...common, "content-type", feed.contentType, "content-length", String(length)],
    notModified: common,
  };
}
