// Formatting for Korean readers: won amounts, dates and times in Asia/Seoul, whatever the
// kiosk's own time zone is set to.
import type { Locale } from './messages';

const SEOUL = 'Asia/Seoul';

/** 30000 → "30,000원" (ko) / "₩30,000" (en). */
export function won(amount: number, locale: Locale): string {
  const n = Math.round(amount).toLocaleString('en-US');
  return locale === 'ko' ? `${n}원` : `₩${n}`;
}

function parts(iso: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: SEOUL,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    weekday: 'short',
  });
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(new Date(iso))) out[p.type] = p.value;
  return out;
}

const WEEKDAY_KO: Record<string, string> = { Mon: '월', Tue: '화', Wed: '수', Thu: '목', Fri: '금', Sat: '토', Sun: '일' };

/** "14:05" in Seoul time. */
export function clock(iso: string): string {
  const p = parts(iso);
  return `${p['hour']}:${p['minute']}`;
}

/** "11월 26일 14:05" / "Nov 26, 14:05" in Seoul time. */
export function dayAndClock(iso: string, locale: Locale): string {
  const p = parts(iso);
  if (locale === 'ko') return `${p['month']}월 ${p['day']}일 ${p['hour']}:${p['minute']}`;
  const month = new Intl.DateTimeFormat('en-US', { timeZone: SEOUL, month: 'short' }).format(new Date(iso));
  return `${month} ${p['day']}, ${p['hour']}:${p['minute']}`;
}

/** A plain date "2026-12-01" → "12.1(화)" (ko) / "Dec 1 (Tue)" (en). Dates are already Korean dates. */
export function shortDate(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number);
  const utc = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12));
  const wd = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short' }).format(utc);
  if (locale === 'ko') return `${m}.${d}(${WEEKDAY_KO[wd] ?? wd})`;
  const month = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short' }).format(utc);
  return `${month} ${d} (${wd})`;
}

/** An instant → "11.30(월) 18:00" in Seoul time. */
export function shortDateTime(iso: string, locale: Locale): string {
  const p = parts(iso);
  const date = `${p['year']}-${String(p['month']).padStart(2, '0')}-${String(p['day']).padStart(2, '0')}`;
  return `${shortDate(date, locale)} ${p['hour']}:${p['minute']}`;
}

/** Korean weekday syllables → "화·목" (ko) / "Tue, Thu" (en). */
export function weekdays(days: string[], locale: Locale): string {
  if (locale === 'ko') return days.join('·');
  const en: Record<string, string> = { 월: 'Mon', 화: 'Tue', 수: 'Wed', 목: 'Thu', 금: 'Fri', 토: 'Sat', 일: 'Sun' };
  return days.map((d) => en[d] ?? d).join(', ');
}
