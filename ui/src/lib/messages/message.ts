// Every visible string, with a note for translators (context). Korean wording follows what
// Korean public learning portals print (수강신청, 접수기간, 접수중, 폐강, 선착순, 추첨).
// Add a language by adding a column; the i18n test fails if any key lacks it.

export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Message {
  /** Where the text appears and what it means, for translators. */
  context: string;
  ko: string;
  en: string;
}
