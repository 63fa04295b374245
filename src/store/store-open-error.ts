import { DecreeError } from "../errors/decree-error.ts";

interface SystemLike {
  code?: unknown;
  message?: unknown;
  user?: unknown;
}

/** The file system's and SQLite's ways of saying "this folder cannot hold the registry". */
const folderProblems = [
  "EACCES",
  "EPERM",
  "EROFS",
  "ENOTDIR",
  "EEXIST",
  "ENOENT",
  "SQLITE_CANTOPEN",
  "SQLITE_READONLY",
  "SQLITE_IOERR",
  "SQLITE_PERM",
];

/**
 * What went wrong opening a store, as one line with a stable code and the fix, instead of a driver's stack trace:
 * the start-up failures an operator meets (a data folder decree may not write, a PostgreSQL server it cannot
 * reach, a login the server refuses, a database that does not exist). Anything else keeps STORE_UNAVAILABLE.
 */
export function storeOpenError(error: unknown, location: string, engine: "sqlite" | "postgres"): DecreeError {
  if (error instanceof DecreeError) return error;
  const { code, message } = (error ?? {}) as SystemLike;
  const reason = typeof message === "string" ? message : String(error);
  const sqlState = typeof code === "string" ? code : "";
  if (engine === "sqlite" && folderProblems.some((prefix) => sqlState.startsWith(prefix))) {
    return new DecreeError(
      "DATA_DIR_UNUSABLE",
      `decree cannot use the data folder for ${location} (${reason}); make it readable and writable by this ` +
        "user, or choose another with --data DIR or DECREE_DATA.",
    );
  }
  // PostgreSQL error codes (SQLSTATE), Appendix A: class 28 is "invalid authorization specification".
  if (sqlState.startsWith("28")) {
    return new DecreeError(
      "STORE_LOGIN_REFUSED",
      `PostgreSQL at ${location} refused the login (${reason}); check the user and password in --database-url ` +
        "or DATABASE_URL.",
    );
  }
  if (sqlState === "3D000") {
    return new DecreeError(
      "STORE_DATABASE_MISSING",
      `PostgreSQL at ${location} has no such database (${reason}); create it (createdb NAME) or fix the name in ` +
        "--database-url or DATABASE_URL.",
    );
  }
  if (
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET"].includes(sqlState)
  ) {
    return new DecreeError(
      "STORE_UNREACHABLE",
      `decree cannot reach PostgreSQL at ${location} (${sqlState}); check the host and port in --database-url or ` +
        "DATABASE_URL, and that the server is running.",
    );
  }
  return new DecreeError(
    "STORE_UNAVAILABLE",
    `The store at ${location} could not be brought up to date (${reason}). ` +
      "Check that the database is reachable and writable, or point --data / DATABASE_URL elsewhere.",
  );
}
