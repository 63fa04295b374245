import { lazy, Suspense } from "react";
import { Link, Route, Switch, useLocation } from "wouter";
import { ErrorBoundary } from "./components/error-boundary.tsx";
import { useT } from "./i18n.tsx";
import { SearchPage } from "./pages/search-page.tsx";
import { preloadablePage } from "./preloadable-page.ts";
import { deskOf, useSession } from "./session.tsx";

// Every page but the search, the portal's front page, is loaded on demand: the first load of a page carries
// React, the frame and that page, not the code of all the others (a desk's reviewer does not load the portal's
// charts, nor the public the desks).
const OrdersPage = lazy(() =>
  import("./pages/orders-page.tsx").then((page) => ({ default: page.OrdersPage })),
);
const OrderPage = lazy(() => import("./pages/order-page.tsx").then((page) => ({ default: page.OrderPage })));
const StatisticsPage = lazy(() =>
  import("./pages/statistics-page.tsx").then((page) => ({ default: page.StatisticsPage })),
);
const LogPage = lazy(() => import("./pages/log-page.tsx").then((page) => ({ default: page.LogPage })));
const ScorecardsPage = lazy(() =>
  import("./pages/scorecards-page.tsx").then((page) => ({ default: page.ScorecardsPage })),
);
const LoginPage = lazy(() => import("./pages/login-page.tsx"));
const authorityDesk = preloadablePage(() => import("./pages/authority-desk.tsx"));
const AuthorityDesk = authorityDesk.Page;
/** Loads the authority's desk ahead of the first render (main.tsx does, on its path). */
export const preloadAuthorityDesk = authorityDesk.preload;
const ApplicantDesk = lazy(() => import("./pages/applicant-desk.tsx"));
const OperatorDesk = lazy(() => import("./pages/operator-desk.tsx"));
const AdminDesk = lazy(() => import("./pages/admin-desk.tsx"));

export function App() {
  const t = useT();
  const [location] = useLocation();
  return (
    <>
      <a className="skip" href="#main">
        {t("skipToContent")}
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <ErrorBoundary key={location} message={t("pageFailed")}>
          <Suspense fallback={<p aria-busy="true">{t("loading")}</p>}>
            <Switch>
              <Route path="/" component={SearchPage} />
              <Route path="/portal/orders" component={OrdersPage} />
              <Route path="/portal/orders/:id">{(params) => <OrderPage id={params.id} />}</Route>
              <Route path="/orders/:id">{(params) => <OrderPage id={params.id} />}</Route>
              <Route path="/portal/statistics" component={StatisticsPage} />
              <Route path="/portal/log" component={LogPage} />
              <Route path="/portal/scorecards" component={ScorecardsPage} />
              <Route path="/login" component={LoginPage} />
              <Route path="/desk/authority" component={AuthorityDesk} />
              <Route path="/desk/applicant" component={ApplicantDesk} />
              <Route path="/desk/operator" component={OperatorDesk} />
              <Route path="/desk/admin" component={AdminDesk} />
              <Route>
                <h1>{t("notFound")}</h1>
                <Link href="/">{t("nav.search")}</Link>
              </Route>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </main>
      <footer>
        <p>
          {t("footer")} <a href="/docs">API</a> · <a href="/appeals/new">{t("appeal.noScript")}</a>
        </p>
      </footer>
    </>
  );
}

function Header() {
  const t = useT();
  const { user, logout } = useSession();
  return (
    <header>
      <nav aria-label={t("nav.label")}>
        <Link href="/" className="brand">
          decree
        </Link>
        <ul>
          <li>
            <Link href="/">{t("nav.search")}</Link>
          </li>
          <li>
            <Link href="/portal/orders">{t("nav.orders")}</Link>
          </li>
          <li>
            <Link href="/portal/statistics">{t("nav.statistics")}</Link>
          </li>
          <li>
            <Link href="/portal/log">{t("nav.log")}</Link>
          </li>
          <li>
            <Link href="/portal/scorecards">{t("nav.scorecards")}</Link>
          </li>
          {user ? (
            <>
              <li>
                <Link href={deskOf(user.role)}>{t("nav.desk")}</Link>
              </li>
              <li>
                <button type="button" className="link" onClick={() => void logout()}>
                  {t("nav.logout")} ({user.email})
                </button>
              </li>
            </>
          ) : (
            <li>
              <Link href="/login">{t("nav.login")}</Link>
            </li>
          )}
          <li>
            <button
              type="button"
              className="link"
              lang={t.language === "fr" ? "en" : "fr"}
              onClick={() => t.setLanguage(t.language === "fr" ? "en" : "fr")}
            >
              {t.language === "fr" ? "English" : "Français"}
            </button>
          </li>
        </ul>
      </nav>
    </header>
  );
}
