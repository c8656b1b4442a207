// The person at the kiosk: which screen they are on, who they are once found, the switches they
// turned on, and whether staff mode is open. All of it lives only in memory and is dropped by
// `finish()` (마치기, or the idle wipe).
import type { View } from '../routes';
import { endVisit, staffLock, type LearnerSummary, type UiSettings } from './api';
import { catalog } from './catalog.svelte';
import { voice } from './voice.svelte';

class Session {
  view: View = $state({ kind: 'home' });
  learner: LearnerSummary | null = $state(null);
  /** 큰글씨: everything on screen 1.3× (text, buttons, pictures), for this person only. */
  large = $state(false);
  /** 낮은 화면: the task in the lower part of the screen, in reach from a wheelchair. */
  low = $state(false);
  /** The staff PIN opened staff mode (the Rust side keeps its own session and checks it). */
  staffOpen = $state(false);
  settings: UiSettings = $state({ idle_warning_secs: 120, idle_grace_secs: 30, printer: false });

  go(view: View): void {
    this.view = view;
  }

  home(): void {
    this.view = { kind: 'home' };
    void catalog.load();
  }

  /** Ends the person's session: nothing about them stays on screen, not even their search. */
  finish(): void {
    if (this.learner !== null) void endVisit().catch(() => undefined);
    this.learner = null;
    this.large = false;
    this.low = false;
    voice.reset();
    if (this.staffOpen) void staffLock().catch(() => undefined);
    this.staffOpen = false;
    catalog.reset();
    this.home();
  }

  /** Something of the person is on screen: who they are, a flow, or what they searched for. */
  get personal(): boolean {
    return this.learner !== null || this.large || this.low || voice.on || this.staffOpen || this.view.kind !== 'home' || catalog.personal;
  }
}

export const session = new Session();
