fn main() {
    // Declaring our commands in an app manifest makes Tauri check them against the capability
    // files; undeclared commands would be callable from any window without a grant.
    let commands = &[
        "catalog_page",
        "sync_status",
        "sync_now",
        "register_learner",
        "find_learner",
        "apply",
        "my_enrollments",
        "cancellation_quote",
        "cancel_enrollment",
        "kiosk_settings",
        "print_receipt",
        "print_certificate",
        "print_learning_history",
        "end_visit",
        "staff_choose_learner",
        "subsidy_offer",
        "apply_subsidy",
        "withdraw_subsidy",
        "my_subsidy",
        "print_subsidy_notice",
        "rooms_list",
        "room_calendar",
        "room_quote",
        "request_room",
        "room_refund_quote",
        "cancel_room",
        "my_rentals",
        "print_rental_slip",
        "staff_unlock",
        "staff_lock",
        "staff_overview",
        "staff_find_learner",
        "staff_record_payment",
        "staff_roster",
        "staff_mark_attendance",
        "staff_print_class",
        "staff_retry_print",
        "staff_save_settings",
        "speak",
        "stop_speaking",
        "ui_ready",
    ];
    if let Err(e) = tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands)),
    ) {
        panic!("tauri build script failed: {e:#}");
    }
}
