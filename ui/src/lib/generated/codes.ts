// Generated from crates/domain/src/error_code.rs, rules.rs and intent.rs by
// `BAEUM_BLESS=1 cargo test -p baeum-domain generated_codes`. Do not edit.

export const ERROR_CODES = [
  'bad_request',
  'internal',
  'resnapshot_required',
  'sequence_gap',
  'op_conflict',
  'learner_not_found',
  'pin_locked',
  'not_completed',
  'not_enrolled',
  'course_not_found',
  'rate_limited',
  'hub_url_invalid',
  'config_invalid',
  'hub_unreachable',
  'hub_timeout',
  'hub_server_error',
  'hub_bad_answer',
  'hub_refused',
  'hub_busy',
  'input_invalid',
  'already_applied',
  'needs_staff',
  'outbox_refused',
  'certificate_failed',
  'no_completed_courses',
  'printer_invalid',
  'offline_certificate_unavailable',
  'staff_pin_not_set',
  'staff_pin_wrong',
  'staff_locked',
  'staff_required',
  'voice_unavailable',
  'store_failed',
  'unexpected',
  'printer_missing',
  'consent_needed',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const REJECT_REASONS = [
  'not_open_yet',
  'application_closed',
  'course_cancelled',
  'already_applied',
  'term_limit_reached',
  'unknown_course',
  'unknown_learner',
  'not_enrolled',
  'nothing_to_pay',
  'wrong_amount',
  'reduction_not_allowed',
  'unknown_session',
  'not_completed',
  'bad_certificate',
  'payment_in_progress',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const INTENT_KINDS = [
  'register_learner',
  'apply',
  'cancel',
  'record_payment',
  'mark_attendance',
  'provisional_certificate',
  'hello',
] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];
