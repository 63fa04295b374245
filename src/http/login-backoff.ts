import { normalizeEmail } from "../accounts/users.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { formatMessage } from "../locale/format-message.ts";

export interface LoginBackoffOptions {
  /** Failed logins an address may make before it must wait (default 5). */
  freeFailuresPerAddress?: number;
  /** Failed logins on one account from one address before that pair must wait (default 3). */
  freeFailuresPerAddressAccount?: number;
  /** The longest wait, in seconds (default 900). */
  maxDelaySeconds?: number;
  /** Keys remembered at most: past it the oldest are forgotten (memory stays bounded under a flood). */
  maxKeys?: number;
}

interface Failures {
  count: number;
  lastAt: number;
}

/** A quiet hour forgets an address's failures. */
const forgetAfterMs = 3600_000;

/**
 * Slows password guessing without locking the account's owner out (OWASP Authentication Cheat Sheet, "Login
 * throttling"; NIST SP 800-63B §5.2.2). Only failures count, per client address and per address + account;
 * past the free ones each further failure doubles the wait (1 s, 2 s, 4 s … up to 15 minutes). Nothing is
 * counted per account alone: a guesser elsewhere cannot stop the owner, at their own address, from signing in
 * with the right password. A success clears its address + account. In memory, per instance, like the other
 * limits (rate-limits.ts).
 */
export class LoginBackoff {
  readonly #failures = new Map<string, Failures>();
  readonly #perAddress: number;
  readonly #perPair: number;
  readonly #maxDelayMs: number;
  readonly #maxKeys: number;

  constructor(options: LoginBackoffOptions = {}) {
    this.#perAddress = options.freeFailuresPerAddress ?? 5;
    this.#perPair = options.freeFailuresPerAddressAccount ?? 3;
    this.#maxDelayMs = (options.maxDelaySeconds ?? 900) * 1000;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  /** Throws 429 RATE_LIMITED (with the seconds to wait) while the address or the pair must wait. */
  check(address: string, email: string, now: Date): void {
    const wait = Math.max(
      this.#waitMs(addressKey(address), this.#perAddress, now),
      this.#waitMs(pairKey(address, email), this.#perPair, now),
    );
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new DecreeError(
        "RATE_LIMITED",
        formatMessage(
          "Too many failed sign-ins from your address; retry in {seconds, plural, one {# second} other {# seconds}}.",
          "en",
          { seconds },
        ),
        { retryAfter: seconds },
        { seconds },
      );
    }
  }

  failed(address: string, email: string, now: Date): void {
    for (const key of [addressKey(address), pairKey(address, email)]) {
      const known = this.#failures.get(key);
      const stale = known && now.getTime() - known.lastAt > forgetAfterMs;
      this.#failures.delete(key);
      this.#failures.set(key, { count: known && !stale ? known.count + 1 : 1, lastAt: now.getTime() });
    }
    while (this.#failures.size > this.#maxKeys) {
      this.#failures.delete(this.#failures.keys().next().value!);
    }
  }

  succeeded(address: string, email: string): void {
    this.#failures.delete(pairKey(address, email));
  }

  #waitMs(key: string, free: number, now: Date): number {
    const known = this.#failures.get(key);
    if (!known || known.count < free) return 0;
    if (now.getTime() - known.lastAt > forgetAfterMs) return 0;
    const delay = Math.min(1000 * 2 ** (known.count - free), this.#maxDelayMs);
    return Math.max(0, known.lastAt + delay - now.getTime());
  }
}

const addressKey = (address: string) => `ip:${address}`;
const pairKey = (address: string, email: string) => `ip-account:${address}|${normalizeEmail(email)}`;
