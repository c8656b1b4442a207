// The one module that talks to Rust. Types mirror the engine's serialised structs
// (crates/kiosk/src/browse.rs and lib.rs); screens import from here, never from @tauri-apps.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';

export const LIFE_STAGES = ['infant', 'child', 'youth', 'young_adult', 'middle_aged', 'senior'] as const;
export type LifeStage = (typeof LIFE_STAGES)[number];

export const FIELDS = ['academic', 'literacy', 'vocational', 'culture_arts', 'humanities', 'civic'] as const;
export type Field = (typeof FIELDS)[number];

export type Phase = 'upcoming' | 'open' | 'closed' | 'cancelled';
export type Selection = 'first_come' | 'lottery';

export interface CourseCard {
  id: string;
  title: string;
  summary: string;
  institution: string;
  dong: string;
  place: string | null;
  field: Field;
  life_stages: LifeStage[];
  target: string;
  instructor: string | null;
  fee: number;
  materials_fee: number;
  capacity: number;
  selection: Selection;
  phase: Phase;
  application_opens: string;
  application_closes: string;
  first_date: string;
  last_date: string;
  weekdays: string[];
  starts_at: string;
  ends_at: string;
  sessions: number;
  total_hours: number;
}

export interface StageCount {
  stage: LifeStage;
  count: number;
}

export interface InstitutionChoice {
  id: string;
  name: string;
  dong: string;
}

export interface CatalogPage {
  /** The requested page of matches. */
  courses: CourseCard[];
  /** How many courses match in all. */
  matches: number;
  /** Courses in the local catalog. */
  total: number;
  stage_counts: StageCount[];
  institutions: InstitutionChoice[];
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayCode = (typeof WEEKDAYS)[number];
export const TIMES_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];

/** Mirrors crates/kiosk/src/search/index.rs `SearchQuery`. */
export interface SearchQuery {
  text?: string;
  life_stage?: LifeStage | null;
  field?: Field | null;
  institution?: string | null;
  dong?: string | null;
  weekday?: WeekdayCode | null;
  time_of_day?: TimeOfDay | null;
  price?: 'free' | 'paid' | null;
  open_now?: boolean;
  offset?: number;
  limit?: number;
}

/** `{code, message}`: the UI branches on `code` and shows its own translated text. */
export interface ErrorView {
  code: string;
  message: string;
}

export interface SyncStatus {
  hub_url: string;
  online: boolean;
  last_attempt_at: string | null;
  last_success_at: string | null;
  catalog_as_of: string | null;
  last_error: ErrorView | null;
  courses: number;
  institutions: number;
  cursor: number;
  /** Changes the hub has that this kiosk lacks, as last heard; null before the first contact. */
  behind: number | null;
}

export interface SyncEvent {
  status: SyncStatus;
  catalog_changed: boolean;
}

export function isErrorView(value: unknown): value is ErrorView {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}

/** Normalises anything a command rejected with into `{code, message}`. */
export function asErrorView(value: unknown): ErrorView {
  if (isErrorView(value)) return value;
  return { code: 'unexpected', message: String(value) };
}

export async function catalogPage(query: SearchQuery): Promise<CatalogPage> {
  return invoke<CatalogPage>('catalog_page', { query });
}

export async function syncStatus(): Promise<SyncStatus> {
  return invoke<SyncStatus>('sync_status');
}

export async function syncNow(): Promise<SyncStatus> {
  return invoke<SyncStatus>('sync_now');
}

export function onSync(handler: (event: SyncEvent) => void): Promise<UnlistenFn> {
  return listen<SyncEvent>('sync-status', (e) => handler(e.payload));
}
