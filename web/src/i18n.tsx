import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { setApiLanguage } from "./api.ts";
import { en } from "./messages-en.ts";
import { fr } from "./messages-fr.ts";

export type Language = "fr" | "en";
export type MessageKey = keyof typeof en;

const dictionaries: Record<Language, Record<MessageKey, string>> = { fr, en };
const storageKey = "decree.language";

/** French first: the first users are French; English when the browser prefers it and nothing was chosen. */
export function initialLanguage(): Language {
  const stored = localStorage.getItem(storageKey);
  if (stored === "fr" || stored === "en") return stored;
  const preferred = navigator.languages?.[0] ?? navigator.language ?? "fr";
  return preferred.toLowerCase().startsWith("en") ? "en" : "fr";
}

export interface Translate {
  (key: MessageKey, values?: Record<string, string | number>): string;
  language: Language;
  setLanguage(language: Language): void;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  number(value: number): string;
  /** A share (0.42) as a percentage, in the language's way ("42 %", "42%"). */
  percent(share: number): string;
  /** A UTC day, short (a chart's axis): "3 déc. 2026", "3 Dec 2026". */
  day(iso: string): string;
}

const TranslateContext = createContext<Translate | null>(null);

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(storageKey, next);
    setLanguageState(next);
  }, []);
  const translate = useMemo(() => {
    // Before any child fetches: children's effects run before this provider's.
    setApiLanguage(language);
    const dictionary = dictionaries[language];
    const locale = language === "fr" ? "fr-FR" : "en-GB";
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
    const dateTimeFormat = new Intl.DateTimeFormat(locale, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "UTC",
    });
    const numberFormat = new Intl.NumberFormat(locale);
    const percentFormat = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
    const dayFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
    const t = ((key: MessageKey, values?: Record<string, string | number>) =>
      dictionary[key].replace(/\{(\w+)\}/g, (_, name: string) =>
        String(values?.[name] ?? `{${name}}`),
      )) as Translate;
    t.language = language;
    t.setLanguage = setLanguage;
    t.date = (iso) => (iso ? dateFormat.format(new Date(iso)) : "—");
    // dateStyle cannot be combined with timeZoneName: the zone is said after.
    t.dateTime = (iso) => (iso ? `${dateTimeFormat.format(new Date(iso))} UTC` : "—");
    t.number = (value) => numberFormat.format(value);
    t.percent = (share) => percentFormat.format(share);
    t.day = (iso) => dayFormat.format(new Date(iso));
    return t;
  }, [language, setLanguage]);
  return <TranslateContext.Provider value={translate}>{children}</TranslateContext.Provider>;
}

export function useT(): Translate {
  const t = useContext(TranslateContext);
  if (!t) throw new Error("useT outside LanguageProvider");
  return t;
}
