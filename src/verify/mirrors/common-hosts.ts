/**
 * Hosts that millions of unrelated sites pull in (fonts, script CDNs, the big video platforms, the tag
 * managers): sharing one says nothing about who runs a site. The ids inside them (an analytics property, an
 * ad account) do, and are compared as tracking ids instead.
 */
const commonHosts = new Set([
  "ajax.googleapis.com",
  "cdn.jsdelivr.net",
  "cdnjs.cloudflare.com",
  "code.jquery.com",
  "connect.facebook.net",
  "fonts.googleapis.com",
  "fonts.gstatic.com",
  "pagead2.googlesyndication.com",
  "platform.twitter.com",
  "player.vimeo.com",
  "s.w.org",
  "securepubads.g.doubleclick.net",
  "stats.wp.com",
  "unpkg.com",
  "www.dailymotion.com",
  "www.google-analytics.com",
  "www.google.com",
  "www.googletagmanager.com",
  "www.gstatic.com",
  "www.youtube-nocookie.com",
  "www.youtube.com",
  "youtube.com",
]);

export function isCommonHost(host: string): boolean {
  return commonHosts.has(host);
}
