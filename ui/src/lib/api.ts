// The one module that talks to Rust. Types mirror the engine's serialised structs
// (crates/kiosk/src/browse.rs and lib.rs); screens import from here, never from @tauri-apps.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { ERROR_CODES, type ErrorCode, type IntentKind, type RejectReason } from './generated/codes';

export type { ErrorCode, RejectReason };

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
  /** Seats as the hub last reported them; null when nobody applied yet or never heard. */
  seats: SeatsView | null;
}

export interface SeatsView {
  taken: number;
  waiting: number;
  remaining: number;
  /** When the hub reported it (RFC 3339). */
  as_of: string;
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
  code: ErrorCode;
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
  kiosk_id: string;
  /** Applications, cancellations and payments not yet answered by the hub. */
  pending_intents: number;
}

export interface SyncEvent {
  status: SyncStatus;
  catalog_changed: boolean;
}

export function isErrorView(value: unknown): value is ErrorView {
  if (typeof value !== 'object' || value === null || !('code' in value) || !('message' in value)) return false;
  return (ERROR_CODES as readonly unknown[]).includes(value.code);
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

// ---- Learners and applications (crates/kiosk/src/enrollment.rs) ----

export const REDUCTIONS = ['senior', 'basic_livelihood', 'disability'] as const;
export type Reduction = (typeof REDUCTIONS)[number];
export type ConsentPurpose = 'course_administration' | 'course_news';

export interface LearnerSummary {
  id: string;
  name_masked: string;
  mobile_masked: string;
  age: number;
  resident: boolean;
}

export interface RegistrationForm {
  name: string;
  /** YYYY-MM-DD or YYYYMMDD */
  birth_date: string;
  mobile: string;
  pin: string;
  resident: boolean;
  guardian: { name: string; mobile: string; consented: boolean } | null;
  consents: [ConsentPurpose, boolean][];
  identity: 'self_declared' | 'staff_checked';
}

export type EnrollmentState =
  | 'pending'
  | 'awaiting_payment'
  | 'confirmed'
  | 'waitlisted'
  | 'entered'
  | 'cancelled'
  | 'released'
  | 'course_cancelled'
  | 'rejected';

export interface EnrollmentCard {
  course_id: string;
  title: string;
  institution: string;
  first_date: string | null;
  state: EnrollmentState;
  position: number | null;
  payment_due: string | null;
  change_pending: boolean;
  total: number;
  paid: number;
  refunded: number;
  reason: RejectReason | null;
  payment_url: string | null;
  /** The payment page as a QR code (SVG made by the engine from `payment_url`). */
  payment_qr_svg: string | null;
  applied_at: string;
  hub_as_of: string | null;
}

export interface Refund {
  amount: number;
  rule: 'before_start' | 'before_one_third' | 'before_half' | 'after_half' | 'pro_rata';
}

export async function registerLearner(form: RegistrationForm): Promise<LearnerSummary> {
  return invoke<LearnerSummary>('register_learner', { form });
}

export async function findLearner(mobile: string, birthDate: string, pin: string): Promise<LearnerSummary> {
  return invoke<LearnerSummary>('find_learner', { mobile, birthDate, pin });
}

export async function apply(learnerId: string, courseId: string, claims: Reduction[]): Promise<EnrollmentCard> {
  return invoke<EnrollmentCard>('apply', { learnerId, courseId, claims });
}

export async function myEnrollments(learnerId: string): Promise<EnrollmentCard[]> {
  return invoke<EnrollmentCard[]>('my_enrollments', { learnerId });
}

export async function cancellationQuote(learnerId: string, courseId: string): Promise<Refund> {
  return invoke<Refund>('cancellation_quote', { learnerId, courseId });
}

export async function cancelEnrollment(learnerId: string, courseId: string): Promise<EnrollmentCard> {
  return invoke<EnrollmentCard>('cancel_enrollment', { learnerId, courseId });
}

/** Settings the screens need from the kiosk's configuration. */
export interface UiSettings {
  idle_warning_secs: number;
  idle_grace_secs: number;
  /** A printer is configured: receipts can be printed. */
  printer: boolean;
}

/** A print job as the kiosk's queue holds it. */
export interface PrintJob {
  id: string;
  title: string;
  state: 'queued' | 'sending' | 'submitted' | 'printed' | 'failed';
  last_error: string | null;
}

export async function printCertificate(learnerId: string, courseId: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_certificate', { learnerId, courseId });
}

export async function printLearningHistory(learnerId: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_learning_history', { learnerId });
}

export async function printReceipt(learnerId: string, courseId: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_receipt', { learnerId, courseId });
}

export async function kioskSettings(): Promise<UiSettings> {
  return invoke<UiSettings>('kiosk_settings');
}

// ---- Staff mode (src-tauri/src/staff.rs); every call is refused unless the PIN opened it ----

export type PaymentMethod = 'cash' | 'card';

export interface PrinterStatus {
  printer_uri: string;
  state: 'idle' | 'processing' | 'stopped' | 'unreachable';
  reasons: string[];
  message: string | null;
}

export interface StaffPrintJob extends PrintJob {
  printer_uri: string;
  attempts: number;
  created_at: string;
}

export interface WaitingIntent {
  seq: number;
  kind: IntentKind;
  created_at: string;
}

export interface StaffSettings {
  idle_warning_secs: number;
  idle_grace_secs: number;
  /** Empty: no printer. */
  printer_uri: string;
}

export interface StaffOverview {
  sync: SyncStatus;
  pending: { count: number; oldest: WaitingIntent[] };
  printer: PrinterStatus | null;
  jobs: StaffPrintJob[];
  settings: StaffSettings;
}

export interface RosterLine {
  learner_id: string;
  name_masked: string;
  mobile_last4: string;
  present: string[];
  absent: string[];
}

export interface Roster {
  course_id: string;
  sessions: string[];
  learners: RosterLine[];
  as_of: string;
}

export type AttendanceMark =
  | { state: 'recorded'; attended: number; sessions: number; completed: boolean }
  | { state: 'refused'; code: string; message: string }
  | { state: 'waiting' };

export interface ClassPrint {
  course_id: string;
  jobs: string[];
  not_completed: { learner_masked: string; attended: number; sessions: number }[];
}

export async function staffUnlock(pin: string): Promise<void> {
  return invoke<void>('staff_unlock', { pin });
}

export async function staffLock(): Promise<void> {
  return invoke<void>('staff_lock');
}

export async function staffOverview(): Promise<StaffOverview> {
  return invoke<StaffOverview>('staff_overview');
}

export async function staffFindLearner(mobile: string, birthDate: string): Promise<LearnerSummary[]> {
  return invoke<LearnerSummary[]>('staff_find_learner', { mobile, birthDate });
}

export async function staffRecordPayment(
  learnerId: string,
  courseId: string,
  method: PaymentMethod,
  receipt: string,
  amount: number,
): Promise<EnrollmentCard> {
  return invoke<EnrollmentCard>('staff_record_payment', { learnerId, courseId, method, receipt, amount });
}

export async function staffRoster(courseId: string): Promise<Roster> {
  return invoke<Roster>('staff_roster', { courseId });
}

export async function staffMarkAttendance(
  learnerId: string,
  courseId: string,
  date: string,
  present: boolean,
): Promise<AttendanceMark> {
  return invoke<AttendanceMark>('staff_mark_attendance', { learnerId, courseId, date, present });
}

export async function staffPrintClass(courseId: string): Promise<ClassPrint> {
  return invoke<ClassPrint>('staff_print_class', { courseId });
}

export async function staffRetryPrint(jobId: string): Promise<StaffPrintJob> {
  return invoke<StaffPrintJob>('staff_retry_print', { jobId });
}

export async function staffSaveSettings(settings: StaffSettings): Promise<UiSettings> {
  return invoke<UiSettings>('staff_save_settings', { settings });
}

// ---- Voice guidance (crates/kiosk/src/voice.rs) ----

export interface Utterance {
  text: string;
  language: 'ko' | 'en';
  /** −100 … 100 */
  rate: number;
  /** −100 … 100 */
  volume: number;
}

export async function speak(utterance: Utterance): Promise<number> {
  return invoke<number>('speak', { utterance });
}

export async function stopSpeaking(): Promise<void> {
  return invoke<void>('stop_speaking');
}

/** Tells the engine the first screen is drawn and usable (start-up time in its log). */
export function uiReady(): void {
  void invoke('ui_ready', { ms: Math.round(performance.now()) }).catch(() => undefined);
}
