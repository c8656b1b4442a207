import { describe, expect, it } from 'vitest';
import { features, LOCALES, messages } from './messages';
import { codeKey, translate } from './i18n.svelte';
import { FIELDS, LIFE_STAGES } from './api';
import { ERROR_CODES, INTENT_KINDS, REJECT_REASONS } from './generated/codes';

const HANGUL = /[가-힣]/;
/** Latin words in a Korean text, leaving out addresses and the abbreviations portals print as
 * they are (the same rule as `foreign_words` in crates/domain/src/error_code.rs). */
function latinWords(text: string): string[] {
  const kept = ['PIN', 'QR', 'HTTP', 'IPP', 'PDF', 'JSON', 'UTF', 'CUPS', 'Windows', 'Excel', 'ZOOM'];
  return text
    .split(/[`"]/)
    .filter((_, i) => i % 2 === 0)
    .join(' ')
    .split(/\s+/)
    .filter((token) => !/[/\\]/.test(token))
    .flatMap((token) => token.match(/[A-Za-z]{3,}/g) ?? [])
    .filter((word) => !kept.includes(word));
}
const table = messages as Record<string, { ko: string; en: string }>;

describe('i18n', () => {
  it('defines each key in one feature only (a second definition would silently replace the first)', () => {
    const seen = new Map<string, string>();
    for (const [feature, table] of Object.entries(features)) {
      for (const key of Object.keys(table)) {
        expect(seen.get(key), `${key} in ${feature}`).toBeUndefined();
        seen.set(key, feature);
      }
    }
    expect(seen.size).toBe(Object.keys(messages).length);
  });

  it('has every message in every language, with a context for translators', () => {
    for (const [key, message] of Object.entries(messages)) {
      expect(message.context.length, `${key} context`).toBeGreaterThan(10);
      for (const lang of LOCALES) {
        expect(message[lang].trim().length, `${key} in ${lang}`).toBeGreaterThan(0);
      }
    }
  });

  it('uses the same placeholders in every language', () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, message] of Object.entries(messages)) {
      expect(names(message.en), key).toEqual(names(message.ko));
    }
  });

  it('has a label for every life stage, field and phase code the engine sends', () => {
    for (const stage of LIFE_STAGES) expect(codeKey('stage', stage), stage).not.toBeNull();
    for (const field of FIELDS) expect(codeKey('field', field), field).not.toBeNull();
    for (const phase of ['open', 'upcoming', 'closed', 'cancelled']) expect(codeKey('phase', phase), phase).not.toBeNull();
    expect(codeKey('phase', 'nonsense')).toBeNull();
  });

  it('fills placeholders and uses the Korean portal terms', () => {
    expect(translate('ko', 'home.count', { count: 12 })).toBe('강좌 12개');
    expect(translate('en', 'home.count', { count: 12 })).toBe('12 courses');
    expect(translate('ko', 'phase.cancelled')).toBe('폐강');
    expect(translate('ko', 'selection.lottery')).toBe('추첨');
    expect(translate('ko', 'sync.asOf', { time: '14:05' })).toBe('14:05 기준');
  });

  // The lists come from Rust (crates/domain/src/error_code.rs and rules.rs), so a code the hub,
  // the engine or the shell can send cannot reach a screen without its text.
  it('has Korean and English for every error code, rejection reason and intent type Rust can send', () => {
    for (const [prefix, codes] of [
      ['error', ERROR_CODES],
      ['reject', REJECT_REASONS],
      ['staff.kind', INTENT_KINDS],
    ] as const) {
      for (const code of codes) {
        const message = table[`${prefix}.${code}`];
        expect(message, `${prefix}.${code}`).toBeDefined();
        if (!message) continue;
        expect(HANGUL.test(message.ko), `${prefix}.${code} in Korean`).toBe(true);
        expect(latinWords(message.ko), `${prefix}.${code}: no English in the Korean`).toEqual([]);
        expect(HANGUL.test(message.en), `${prefix}.${code}: no Korean in the English`).toBe(false);
        expect(message.en, `${prefix}.${code}`).not.toEqual(message.ko);
      }
    }
  });

  it('has no error or rejection text for a code Rust no longer sends', () => {
    const known = new Set<string>([
      ...ERROR_CODES.map((c) => `error.${c}`),
      ...REJECT_REASONS.map((r) => `reject.${r}`),
      ...INTENT_KINDS.map((k) => `staff.kind.${k}`),
    ]);
    // Not codes: the fallback and the list of fields to check.
    const notCodes = ['error.generic', 'error.checkFields'];
    for (const key of Object.keys(messages)) {
      const coded = key.startsWith('error.') || key.startsWith('reject.') || key.startsWith('staff.kind.');
      if (coded && !notCodes.includes(key)) {
        expect(known.has(key), key).toBe(true);
      }
    }
    expect(latinWords('중앙 서버의 응답을 이해할 수 없습니다: expected value at line 1')).toEqual(['expected', 'value', 'line']);
  });
});
