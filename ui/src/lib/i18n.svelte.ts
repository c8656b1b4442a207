// The i18n layer: `t(key, params)` in the current locale, reactive through Svelte runes.
import { messages, type Locale, type MessageKey } from './messages';

export type { Locale, MessageKey } from './messages';

class LocaleState {
  current: Locale = $state('ko');
}

export const locale = new LocaleState();

/** Formats `messages[key]` in `lang`, replacing `{name}` with `params.name`. */
export function translate(lang: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text: string = messages[key][lang];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return translate(locale.current, key, params);
}

/** A message key built from a code the engine sent (e.g. `phase.open`), if we have one. */
export function codeKey(prefix: string, code: string): MessageKey | null {
  const key = `${prefix}.${code}`;
  return key in messages ? (key as MessageKey) : null;
}
