// Voice guidance for this person: on/off, speed and volume, the last sentence for 다시 듣기.
// Sentences go to the operating system's speech service through the engine; when it cannot
// speak, `problem` says so once and the screen carries on silently.
import { asErrorView, speak, stopSpeaking, type ErrorView } from './api';
import { locale } from './i18n.svelte';

const STEP = 20;

class Voice {
  on = $state(false);
  /** −100 … 100, a little slower than the voice's default suits older listeners. */
  rate = $state(-20);
  volume = $state(60);
  last = $state('');
  problem: ErrorView | null = $state(null);
  /** How many sentences the service accepted (shown to tests as data-spoken). */
  spoken = $state(0);

  async say(text: string) {
    if (!this.on || !text.trim()) return;
    this.last = text;
    try {
      await speak({ text, language: locale.current, rate: this.rate, volume: this.volume });
      this.spoken += 1;
      this.problem = null;
    } catch (e) {
      this.problem = asErrorView(e);
    }
  }

  replay() {
    void this.say(this.last);
  }

  stop() {
    void stopSpeaking().catch(() => undefined);
  }

  toggle(greeting: string) {
    if (this.on) {
      this.stop();
      this.on = false;
    } else {
      this.on = true;
      void this.say(greeting);
    }
  }

  faster(by: 1 | -1) {
    this.rate = Math.max(-100, Math.min(100, this.rate + by * STEP));
    this.replay();
  }

  louder(by: 1 | -1) {
    this.volume = Math.max(-100, Math.min(100, this.volume + by * STEP));
    this.replay();
  }

  /** The session ended: the next person starts with voice off and default settings. */
  reset() {
    if (this.on) this.stop();
    this.on = false;
    this.rate = -20;
    this.volume = 60;
    this.last = '';
    this.problem = null;
  }
}

export const voice = new Voice();

/** What to say for a focused control: its accessible name, as a screen reader would. */
export function spokenName(el: Element): string {
  const label = el.getAttribute('aria-label');
  if (label) return label;
  if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) {
    const own = el.closest('label');
    if (own) return own.textContent?.trim() ?? '';
  }
  return el.textContent?.trim() ?? '';
}
