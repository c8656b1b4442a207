// The one module that talks to Rust; screens import from here, never from @tauri-apps. Every
// type a command takes or gives is generated from the Rust types (ui/src/lib/generated/bindings/,
// written by `BAEUM_BLESS=1 cargo test -p baeum-kiosk-app bindings`; a test fails while stale),
// so the screens and the engine cannot drift apart.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { ERROR_CODES, type ErrorCode, type RejectReason } from './generated/codes';
import type { Field as GeneratedField } from './generated/bindings/Field';
import type { LifeStage as GeneratedLifeStage } from './generated/bindings/LifeStage';
import type { ReductionKind } from './generated/bindings/ReductionKind';
import type { ApplicationPhase } from './generated/bindings/ApplicationPhase';
import type { AttendanceMark } from './generated/bindings/AttendanceMark';
import type { CatalogPage } from './generated/bindings/CatalogPage';
import type { ClassPrint } from './generated/bindings/ClassPrint';
import type { ConsentPurpose } from './generated/bindings/ConsentPurpose';
import type { CourseCard } from './generated/bindings/CourseCard';
import type { EnrollmentCard } from './generated/bindings/EnrollmentCard';
import type { EnrollmentState } from './generated/bindings/EnrollmentState';
import type { ErrorView } from './generated/bindings/ErrorView';
import type { FieldProblem } from './generated/bindings/FieldProblem';
import type { InstitutionChoice } from './generated/bindings/InstitutionChoice';
import type { LearnerSummary } from './generated/bindings/LearnerSummary';
import type { PaymentMethod } from './generated/bindings/PaymentMethod';
import type { PrintJob } from './generated/bindings/PrintJob';
import type { PrintJobState } from './generated/bindings/PrintJobState';
import type { PrinterStatus } from './generated/bindings/PrinterStatus';
import type { Refund } from './generated/bindings/Refund';
import type { RegistrationForm } from './generated/bindings/RegistrationForm';
import type { Roster } from './generated/bindings/Roster';
import type { RosterLine } from './generated/bindings/RosterLine';
import type { SearchQuery } from './generated/bindings/SearchQuery';
import type { SeatsView } from './generated/bindings/SeatsView';
import type { Selection } from './generated/bindings/Selection';
import type { OnDutyView } from './generated/bindings/OnDutyView';
import type { StaffOverview } from './generated/bindings/StaffOverview';
import type { StaffSettings } from './generated/bindings/StaffSettings';
import type { StageCount } from './generated/bindings/StageCount';
import type { SyncEvent } from './generated/bindings/SyncEvent';
import type { SyncStatus } from './generated/bindings/SyncStatus';
import type { UiSettings } from './generated/bindings/UiSettings';
import type { Utterance } from './generated/bindings/Utterance';
import type { WaitingIntent } from './generated/bindings/WaitingIntent';
import type { Ineligibility } from './generated/bindings/Ineligibility';
import type { ResidenceDeclaration } from './generated/bindings/ResidenceDeclaration';
import type { SubsidyCard } from './generated/bindings/SubsidyCard';
import type { SubsidyOffer } from './generated/bindings/SubsidyOffer';
import type { SubsidyState } from './generated/bindings/SubsidyState';
import type { CalendarDay } from './generated/bindings/CalendarDay';
import type { FreeSlotView } from './generated/bindings/FreeSlotView';
import type { RentalCard } from './generated/bindings/RentalCard';
import type { RentalState } from './generated/bindings/RentalState';
import type { RoomCalendar } from './generated/bindings/RoomCalendar';
import type { RoomCard } from './generated/bindings/RoomCard';
import type { RoomForm } from './generated/bindings/RoomForm';
import type { RoomQuote } from './generated/bindings/RoomQuote';
import type { SlotState } from './generated/bindings/SlotState';
import type { SlotView } from './generated/bindings/SlotView';
import type { VideoCard } from './generated/bindings/VideoCard';
import type { VideoPage } from './generated/bindings/VideoPage';
import type { VideoQuery } from './generated/bindings/VideoQuery';
import type { VideoLevel } from './generated/bindings/VideoLevel';
import type { LiveCard } from './generated/bindings/LiveCard';
import type { ActivityForm } from './generated/bindings/ActivityForm';
import type { ActivityView } from './generated/bindings/ActivityView';
import type { ClubCard } from './generated/bindings/ClubCard';
import type { ClubForm } from './generated/bindings/ClubForm';
import type { ClubMember } from './generated/bindings/ClubMember';
import type { ClubPage } from './generated/bindings/ClubPage';
import type { ClubQuery } from './generated/bindings/ClubQuery';
import type { FounderCheck } from './generated/bindings/FounderCheck';
import type { MyClub } from './generated/bindings/MyClub';

export type { ErrorCode, RejectReason };
export type {
  ApplicationPhase, AttendanceMark, CatalogPage, ClassPrint, ConsentPurpose, CourseCard, EnrollmentCard, EnrollmentState, ErrorView, FieldProblem, InstitutionChoice, LearnerSummary, PaymentMethod, PrintJob, PrintJobState, PrinterStatus, Refund, RegistrationForm, Roster, RosterLine, SearchQuery, SeatsView, Selection, OnDutyView, StaffOverview, StaffSettings, StageCount, SyncEvent, SyncStatus, UiSettings, Utterance, WaitingIntent,
  Ineligibility, ResidenceDeclaration, SubsidyCard, SubsidyOffer, SubsidyState,
  CalendarDay, FreeSlotView, RentalCard, RentalState, RoomCalendar, RoomCard, RoomForm, RoomQuote, SlotState, SlotView,
  VideoCard, VideoPage, VideoQuery, VideoLevel, LiveCard,
  ActivityForm, ActivityView, ClubCard, ClubForm, ClubMember, ClubPage, ClubQuery, FounderCheck, MyClub,
};

/** What a search may leave out (the engine fills in the defaults). */
export type SearchRequest = Partial<SearchQuery>;
/** The phase a course card shows (접수예정/접수중/접수마감/폐강). */
export type Phase = ApplicationPhase;
/** A print job as staff see it (the same record, all fields shown). */
export type StaffPrintJob = PrintJob;

export const LIFE_STAGES = ['infant', 'child', 'youth', 'young_adult', 'middle_aged', 'senior'] as const satisfies readonly GeneratedLifeStage[];
export type LifeStage = GeneratedLifeStage;

export const FIELDS = ['academic', 'literacy', 'vocational', 'culture_arts', 'humanities', 'civic'] as const satisfies readonly GeneratedField[];
export type Field = GeneratedField;







export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayCode = (typeof WEEKDAYS)[number];
export const TIMES_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];





export function isErrorView(value: unknown): value is ErrorView {
  if (typeof value !== 'object' || value === null || !('code' in value) || !('message' in value)) return false;
  return (ERROR_CODES as readonly unknown[]).includes(value.code);
}

/** Normalises anything a command rejected with into `{code, message}`. */
export function asErrorView(value: unknown): ErrorView {
  if (isErrorView(value)) return value;
  return { code: 'unexpected', message: String(value), fields: [] };
}

export async function catalogPage(query: SearchRequest): Promise<CatalogPage> {
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

export const REDUCTIONS = ['senior', 'basic_livelihood', 'disability'] as const satisfies readonly ReductionKind[];
export type Reduction = ReductionKind;






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



export async function printCertificate(learnerId: string, courseId: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_certificate', { learnerId, courseId });
}

export async function printLearningHistory(learnerId: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_learning_history', { learnerId });
}

export async function printReceipt(learnerId: string, courseId: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_receipt', { learnerId, courseId });
}

export async function subsidyOffer(learnerId: string): Promise<SubsidyOffer | null> {
  return invoke<SubsidyOffer | null>('subsidy_offer', { learnerId });
}

export async function applySubsidy(learnerId: string, programmeId: string, residence: ResidenceDeclaration): Promise<SubsidyCard> {
  return invoke<SubsidyCard>('apply_subsidy', { learnerId, programmeId, residence });
}

export async function withdrawSubsidy(learnerId: string, programmeId: string): Promise<SubsidyCard> {
  return invoke<SubsidyCard>('withdraw_subsidy', { learnerId, programmeId });
}

export async function mySubsidy(learnerId: string): Promise<SubsidyCard[]> {
  return invoke<SubsidyCard[]>('my_subsidy', { learnerId });
}

export async function printSubsidyNotice(learnerId: string, programmeId: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_subsidy_notice', { learnerId, programmeId });
}

export async function roomsList(): Promise<RoomCard[]> {
  return invoke<RoomCard[]>('rooms_list');
}

export async function roomCalendar(roomId: string, from: string, days: number): Promise<RoomCalendar> {
  return invoke<RoomCalendar>('room_calendar', { roomId, from, days });
}

export async function roomQuote(form: RoomForm): Promise<RoomQuote> {
  return invoke<RoomQuote>('room_quote', { form });
}

export async function requestRoom(learnerId: string, form: RoomForm): Promise<RentalCard> {
  return invoke<RentalCard>('request_room', { learnerId, form });
}

export async function roomRefundQuote(learnerId: string, bookingId: string): Promise<number> {
  return invoke<number>('room_refund_quote', { learnerId, bookingId });
}

export async function cancelRoom(learnerId: string, bookingId: string): Promise<RentalCard> {
  return invoke<RentalCard>('cancel_room', { learnerId, bookingId });
}

export async function myRentals(learnerId: string): Promise<RentalCard[]> {
  return invoke<RentalCard[]>('my_rentals', { learnerId });
}

export async function printRentalSlip(learnerId: string, bookingId: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_rental_slip', { learnerId, bookingId });
}

// ---- 동영상 강좌 and 실시간 온라인 수업 (crates/kiosk/src/videos.rs, live.rs) ----

export async function videosPage(query: VideoQuery): Promise<VideoPage> {
  return invoke<VideoPage>('videos_page', { query });
}

export async function videoDetail(videoId: string): Promise<VideoCard> {
  return invoke<VideoCard>('video_detail', { videoId });
}

export async function similarVideos(courseId: string): Promise<VideoCard[]> {
  return invoke<VideoCard[]>('similar_videos', { courseId });
}

export async function savedVideos(learnerId: string): Promise<VideoCard[]> {
  return invoke<VideoCard[]>('saved_videos', { learnerId });
}

export async function keepVideo(learnerId: string, videoId: string, keep: boolean): Promise<VideoCard[]> {
  return invoke<VideoCard[]>('keep_video', { learnerId, videoId, keep });
}

export async function printSavedVideos(learnerId: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_saved_videos', { learnerId });
}

export async function myLiveClasses(learnerId: string): Promise<LiveCard[]> {
  return invoke<LiveCard[]>('my_live_classes', { learnerId });
}

export async function printLiveSlip(learnerId: string, courseId: string, date: string): Promise<PrintJob> {
  return invoke<PrintJob>('print_live_slip', { learnerId, courseId, date });
}

// ---- 학습동아리 (crates/kiosk/src/clubs.rs) ----

export async function clubsPage(query: ClubQuery): Promise<ClubPage> {
  return invoke<ClubPage>('clubs_page', { query });
}

export async function clubFindFounder(learnerId: string, mobile: string, birthDate: string, pin: string): Promise<LearnerSummary> {
  return invoke<LearnerSummary>('club_find_founder', { learnerId, mobile, birthDate, pin });
}

export async function clubFounderCheck(learnerId: string, founders: string[], perMonth: number): Promise<FounderCheck> {
  return invoke<FounderCheck>('club_founder_check', { learnerId, founders, perMonth });
}

export async function registerClub(learnerId: string, form: ClubForm): Promise<MyClub> {
  return invoke<MyClub>('register_club', { learnerId, form });
}

export async function askToJoin(learnerId: string, clubId: string): Promise<MyClub> {
  return invoke<MyClub>('ask_to_join', { learnerId, clubId });
}

export async function myClubs(learnerId: string): Promise<MyClub[]> {
  return invoke<MyClub[]>('my_clubs', { learnerId });
}

export async function acceptMember(learnerId: string, clubId: string, memberId: string): Promise<MyClub> {
  return invoke<MyClub>('accept_member', { learnerId, clubId, memberId });
}

export async function fileActivity(learnerId: string, clubId: string, form: ActivityForm): Promise<MyClub> {
  return invoke<MyClub>('file_activity', { learnerId, clubId, form });
}

export async function printClubReport(learnerId: string, clubId: string, year: number): Promise<PrintJob> {
  return invoke<PrintJob>('print_club_report', { learnerId, clubId, year });
}

export async function kioskSettings(): Promise<UiSettings> {
  return invoke<UiSettings>('kiosk_settings');
}

// ---- Staff mode (src-tauri/src/staff.rs); every call is refused unless the PIN opened it ----











/** Signs staff in at the hub (number + PIN); without a number, or offline, the kiosk's own PIN opens the offline staff mode (answer: null). */
export async function staffUnlock(staffNumber: string, pin: string): Promise<OnDutyView | null> {
  return invoke<OnDutyView | null>('staff_unlock', { staffNumber, pin });
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

/** Staff checked this learner's ID card and act for her (the shell then answers for her only). */
export async function staffChooseLearner(mobile: string, birthDate: string, learnerId: string): Promise<LearnerSummary> {
  return invoke<LearnerSummary>('staff_choose_learner', { mobile, birthDate, learnerId });
}

/** The person finished: the shell forgets her and ends her session at the hub. */
export async function endVisit(): Promise<void> {
  return invoke<void>('end_visit');
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
