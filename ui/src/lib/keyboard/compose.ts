// What a key press does to the text in a field: Hangul jamo are composed into syllables the way a
// Korean keyboard does (ㄱ ㅏ ㅂ ㅅ → 값, and a vowel after a final consonant moves it: 안 + ㅏ → 아나),
// using es-hangul (Toss's Hangul library) rather than hand-written composition tables.
import { assemble, removeLastCharacter } from 'es-hangul';

const JAMO = /^[\u3131-\u3163]$/;

/** The field's text after typing `key` (a jamo, a letter, a digit or a space) at the end. */
export function typeKey(value: string, key: string): string {
  if (JAMO.test(key)) return assemble([value, key]);
  return value + key;
}

/** The field's text after 지우기: one jamo off the last syllable, else one character. */
export function backspace(value: string): string {
  if (value === '') return value;
  return removeLastCharacter(value);
}

/** Double consonants and the two extra vowels behind the shift key (쌍자음). */
export const SHIFTED: Record<string, string> = { ㅂ: 'ㅃ', ㅈ: 'ㅉ', ㄷ: 'ㄸ', ㄱ: 'ㄲ', ㅅ: 'ㅆ', ㅐ: 'ㅒ', ㅔ: 'ㅖ' };

/** 두벌식, the layout printed on every Korean keyboard. */
export const HANGUL_ROWS = [
  ['ㅂ', 'ㅈ', 'ㄷ', 'ㄱ', 'ㅅ', 'ㅛ', 'ㅕ', 'ㅑ', 'ㅐ', 'ㅔ'],
  ['ㅁ', 'ㄴ', 'ㅇ', 'ㄹ', 'ㅎ', 'ㅗ', 'ㅓ', 'ㅏ', 'ㅣ'],
  ['ㅋ', 'ㅌ', 'ㅊ', 'ㅍ', 'ㅠ', 'ㅜ', 'ㅡ'],
];

export const LATIN_ROWS = [
  ['q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p'],
  ['a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l'],
  ['z', 'x', 'c', 'v', 'b', 'n', 'm'],
];

export const DIGIT_ROWS = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
];
