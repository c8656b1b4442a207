// The route table: for every kind of view, the screen that shows it, what voice guidance says
// when it opens, and (for the places a person can go from anywhere) its button in the header.
// A new service's screen is one variant of `View` and one entry in `routes`, both here.
import type { Component } from 'svelte';
import type { CourseCard } from './lib/api';
import type { MessageKey } from './lib/i18n.svelte';
import { t } from './lib/i18n.svelte';
import { session } from './lib/session.svelte';
import Apply from './screens/Apply.svelte';
import Home from './screens/Home.svelte';
import Mine from './screens/Mine.svelte';
import Staff from './screens/Staff.svelte';
import Rooms from './screens/Rooms.svelte';
import Subsidy from './screens/Subsidy.svelte';
import Videos from './screens/Videos.svelte';
import Clubs from './screens/Clubs.svelte';

/** Where the person is. */
export type View = { kind: 'home' } | { kind: 'apply'; course: CourseCard } | { kind: 'mine' } | { kind: 'subsidy' } | { kind: 'rooms' } | { kind: 'videos'; video?: string }
  | { kind: 'clubs'; club?: string; register?: boolean }
  | { kind: 'staff' };

export interface Route<V extends View> {
  /** The screen; it reads the session itself, so it takes no props. */
  screen: Component;
  /** Said when the screen opens (and in the chosen language). A method, so a route of one view
   * is also a route of the union. */
  voice(view: V): string;
  /** A button in the header that opens `view` from any screen. */
  header?: { view: V; label: MessageKey; testid: string; pressed?: () => boolean };
}

type Routes = { [K in View['kind']]: Route<Extract<View, { kind: K }>> };

export const routes: Routes = {
  home: { screen: Home, voice: () => t('voice.home') },
  apply: { screen: Apply, voice: (view) => t('voice.apply', { title: view.course.title }) },
  mine: { screen: Mine, voice: () => t('voice.mine'), header: { view: { kind: 'mine' }, label: 'nav.mine', testid: 'open-mine' } },
  subsidy: {
    screen: Subsidy,
    voice: () => t('voice.subsidy'),
    header: { view: { kind: 'subsidy' }, label: 'nav.subsidy', testid: 'open-subsidy' },
  },
  rooms: {
    screen: Rooms,
    voice: () => t('voice.rooms'),
    header: { view: { kind: 'rooms' }, label: 'nav.rooms', testid: 'open-rooms' },
  },
  videos: {
    screen: Videos,
    voice: () => t('voice.videos'),
    header: { view: { kind: 'videos' }, label: 'nav.videos', testid: 'open-videos' },
  },
  clubs: {
    screen: Clubs,
    voice: () => t('voice.clubs'),
    header: { view: { kind: 'clubs' }, label: 'nav.clubs', testid: 'open-clubs' },
  },
  staff: {
    screen: Staff,
    voice: () => t('voice.staff'),
    header: { view: { kind: 'staff' }, label: 'staff.open', testid: 'open-staff', pressed: () => session.staffOpen },
  },
};

/** The header's buttons, in the table's order. */
export const headerRoutes = Object.values(routes).flatMap((route: Route<View>) => (route.header ? [route.header] : []));

/** What voice guidance says for `view`. */
export function spokenFor(view: View): string {
  const route: Route<View> = routes[view.kind];
  return route.voice(view);
}
