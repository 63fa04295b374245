import { createSocket } from "node:dgram";
import { createConnection, type Socket } from "node:net";
import { frame } from "./dns-wire.ts";

/** A TCP connection to the primary from a chosen loopback address (127.0.0.0/8 is all this host's). */
export function connectFrom(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port, localAddress });
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** Resolves when the connection is closed, by either side; false if it still is open after `timeoutMs`. */
export function closedWithin(socket: Socket, timeoutMs: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.on("error", () => {});
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Reads DNS-over-TCP frames from `socket` as they come, without their lengths. */
export function readFrames(socket: Socket, onMessage: (message: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      onMessage(pending.subarray(2, 2 + pending.readUInt16BE(0)));
      pending = pending.subarray(2 + pending.readUInt16BE(0));
    }
  });
}

/** One query over a new TCP connection from `localAddress`: the first answer, or undefined after `timeoutMs`. */
export async function tcpQueryFrom(
  port: number,
  localAddress: string,
  message: Buffer,
  timeoutMs = 5000,
): Promise<Buffer | undefined> {
  const socket = await connectFrom(port, localAddress).catch(() => undefined);
  if (!socket) return undefined;
  try {
    return await new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      socket.on("error", () => {});
      socket.once("close", () => resolve(undefined));
      readFrames(socket, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      socket.write(frame(message));
    });
  } finally {
    socket.destroy();
  }
}

/**
 * Sends `messages` as datagrams from one socket bound to `localAddress`, `perTick` at a time, and collects what
 * comes back until `quietMs` pass without an answer.
 */
export async function udpBurst(
  port: number,
  localAddress: string,
  messages: Buffer[],
  options: { perTick?: number; quietMs?: number } = {},
): Promise<Buffer[]> {
  const socket = createSocket("udp4");
  const replies: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, localAddress, () => resolve());
  });
  socket.on("message", (reply) => replies.push(reply));
  const perTick = options.perTick ?? 50;
  for (let at = 0; at < messages.length; at += perTick) {
    for (const message of messages.slice(at, at + perTick)) socket.send(message, port, "127.0.0.1");
    await new Promise((resolve) => setImmediate(resolve));
  }
  let seen = -1;
  while (seen !== replies.length) {
    seen = replies.length;
    await new Promise((resolve) => setTimeout(resolve, options.quietMs ?? 300));
  }
  socket.close();
  return replies;
}
