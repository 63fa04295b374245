import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { ApiError, api } from "./api.ts";
import { forgetEarly, takeEarly } from "./early-requests.ts";
import type { User } from "./types.ts";
import type { Role } from "./vocabulary.ts";

interface Session {
  /** undefined while asking, null when signed out. */
  user: User | null | undefined;
  login(email: string, password: string): Promise<User>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    // The session cookie is HttpOnly: only the server can say whether it still holds.
    (takeEarly<{ user: User }>("/me") ?? api<{ user: User }>("/me"))
      .then((me) => setUser(me.user))
      .catch((error: unknown) => {
        if (!(error instanceof ApiError)) console.error(error);
        setUser(null);
      });
  }, []);
  const login = useCallback(async (email: string, password: string) => {
    const answer = await api<{ user: User }>("/auth/login", { body: { email, password } });
    forgetEarly();
    setUser(answer.user);
    return answer.user;
  }, []);
  const logout = useCallback(async () => {
    await api("/auth/logout", { method: "POST" });
    forgetEarly();
    setUser(null);
  }, []);
  return <SessionContext.Provider value={{ user, login, logout }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

/** Where each role works. */
export function deskOf(role: Role): string {
  switch (role) {
    case "authority":
    case "auditor":
      return "/desk/authority";
    case "applicant":
      return "/desk/applicant";
    case "operator":
    case "search-engine":
      return "/desk/operator";
    case "admin":
      return "/desk/admin";
    default:
      return "/";
  }
}
