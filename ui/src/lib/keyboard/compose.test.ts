import { describe, expect, it } from 'vitest';
import { backspace, typeKey } from './compose';

const typeAll = (keys: string[], start = '') => keys.reduce(typeKey, start);

describe('on-screen keyboard composition', () => {
  it('composes syllables as a Korean keyboard does', () => {
    expect(typeAll(['ㄱ', 'ㅣ', 'ㅁ', 'ㅎ', 'ㅏ', 'ㄹ', 'ㅁ', 'ㅓ', 'ㄴ', 'ㅣ'])).toBe('김할머니');
    expect(typeAll(['ㄱ', 'ㅏ', 'ㅂ', 'ㅅ'])).toBe('값');
    expect(typeAll(['ㅇ', 'ㅛ', 'ㄱ', 'ㅏ'])).toBe('요가');
  });

  it('keeps initials apart for 초성 search and mixes with Latin, digits and spaces', () => {
    expect(typeAll(['ㅇ', 'ㄱ'])).not.toMatch(/[가-힣]/);
    expect(typeAll(['ㅇ', 'ㅏ', ' ', 'A', '1'])).toBe('아 A1');
  });

  it('deletes one jamo at a time from the last syllable', () => {
    expect(backspace('값')).toBe('갑');
    expect(backspace(backspace('값'))).toBe('가');
    expect(backspace('a')).toBe('');
    expect(backspace('')).toBe('');
  });
});
