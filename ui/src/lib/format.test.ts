import { describe, expect, it } from 'vitest';
import { clock, dayAndClock, shortDate, shortDateTime, weekdays, won } from './format';

describe('format', () => {
  it('writes won the way Korean price tags do', () => {
    expect(won(30000, 'ko')).toBe('30,000원');
    expect(won(1234567, 'en')).toBe('₩1,234,567');
    expect(won(0, 'ko')).toBe('0원');
  });

  it('shows instants in Seoul time whatever the machine zone is', () => {
    // 05:05 UTC is 14:05 in Seoul.
    expect(clock('2026-11-26T05:05:00Z')).toBe('14:05');
    expect(dayAndClock('2026-11-26T05:05:00Z', 'ko')).toBe('11월 26일 14:05');
    expect(dayAndClock('2026-11-26T16:30:00Z', 'ko')).toBe('11월 27일 01:30');
    expect(dayAndClock('2026-11-26T05:05:00Z', 'en')).toBe('Nov 26, 14:05');
  });

  it('writes course dates with the Korean weekday', () => {
    expect(shortDate('2026-12-01', 'ko')).toBe('12.1(화)');
    expect(shortDate('2026-12-01', 'en')).toBe('Dec 1 (Tue)');
    expect(shortDateTime('2026-11-30T18:00:00+09:00', 'ko')).toBe('11.30(월) 18:00');
  });

  it('joins weekdays with a middle dot in Korean', () => {
    expect(weekdays(['화', '목'], 'ko')).toBe('화·목');
    expect(weekdays(['화', '목'], 'en')).toBe('Tue, Thu');
  });
});
