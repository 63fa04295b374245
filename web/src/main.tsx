import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { setApiLanguage } from "./api.ts";
import { App, preloadAuthorityDesk } from "./app.tsx";
import { queuePageUrl } from "./components/use-review-queue.ts";
import { requestEarly } from "./early-requests.ts";
import { initialLanguage, LanguageProvider } from "./i18n.tsx";
import { SessionProvider } from "./session.tsx";
import "./style.css";

// What the first screen needs starts now, side by side, not each after the render that asks for it: the
// session always, and on the review desk its code and the queue's first page (refused before a sign-in, it is
// asked again then). The desk's code is awaited before the first render, so that React draws it without
// suspending (see preloadable-page.ts).
setApiLanguage(initialLanguage());
requestEarly("/me");
if (location.pathname === "/desk/authority") {
  requestEarly(queuePageUrl("", null));
  await preloadAuthorityDesk().catch(() => {});
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <LanguageProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </LanguageProvider>
    </StrictMode>,
  );
}
