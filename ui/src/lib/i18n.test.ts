import { describe, expect, it } from 'vitest';
import { LOCALES, messages } from './messages';
import { codeKey, translate } from './i18n.svelte';
import { FIELDS, LIFE_STAGES } from './api';

describe('i18n', () => {
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
});
