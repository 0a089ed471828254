// The window's language: French by default on a French system, the admin's last choice remembered.
import { count, dictionaries, formatSize, initialLang, type Dict, type Lang } from "./i18n";

const STORAGE_KEY = "ocs-studio.lang";

function savedLang(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

class Locale {
  lang = $state<Lang>(initialLang(savedLang(), globalThis.navigator?.language));
  /** The texts in the current language. */
  t: Dict = $derived(dictionaries[this.lang]);

  constructor() {
    this.apply();
  }

  set(lang: Lang): void {
    this.lang = lang;
    this.apply();
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, lang);
    } catch {
      // No storage (private mode): the choice lasts until the window closes.
    }
  }

  toggle(): void {
    this.set(this.lang === "fr" ? "en" : "fr");
  }

  /** Reads the saved choice (or the system's language) again: at start and in tests. */
  reload(): void {
    this.lang = initialLang(savedLang(), globalThis.navigator?.language);
    this.apply();
  }

  /** A size in the current language's units. */
  size = (bytes: number | null | undefined): string => formatSize(bytes, this.lang);

  /** "3 fragments" with the current language's word, in lower case. */
  count = (n: number | null | undefined, word: string): string => count(n, word.toLowerCase());

  private apply(): void {
    if (globalThis.document) document.documentElement.lang = this.lang;
  }
}

export const locale = new Locale();
export { STORAGE_KEY as LANG_STORAGE_KEY };
