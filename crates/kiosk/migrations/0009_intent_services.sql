-- Protocol 3: intent bodies and outcomes name their service
-- ({"service":"enrollment","type":"apply",…}). Rewrites what a protocol-2 kiosk holds in its
-- outbox, answered or still waiting, so every waiting intent is uploaded (once) in the new form.
-- Body types and outcome names are unique across services, so each says whose it is. A rejection
-- names no service and stays as it is. An unknown name would get a JSON null service, which
-- reads back as a Corrupt error rather than being dropped.
UPDATE outbox
SET body = json_set(body, '$.service', CASE json_extract(body, '$.type')
    WHEN 'register_learner' THEN 'learner'
    WHEN 'apply' THEN 'enrollment'
    WHEN 'cancel' THEN 'enrollment'
    WHEN 'record_payment' THEN 'enrollment'
    WHEN 'mark_attendance' THEN 'attendance'
    WHEN 'provisional_certificate' THEN 'certificate'
    END)
-- A row that is not JSON at all is left as it is (reading it is a Corrupt error); json_extract
-- would otherwise fail the whole migration and keep the kiosk from starting.
WHERE CASE WHEN json_valid(body) THEN json_extract(body, '$.service') IS NULL ELSE 0 END;

UPDATE outbox
SET outcome = json_set(outcome, '$.service', CASE json_extract(outcome, '$.outcome')
    WHEN 'registered' THEN 'learner'
    WHEN 'confirmed' THEN 'enrollment'
    WHEN 'waitlisted' THEN 'enrollment'
    WHEN 'entered' THEN 'enrollment'
    WHEN 'cancelled' THEN 'enrollment'
    WHEN 'paid' THEN 'enrollment'
    WHEN 'attendance_recorded' THEN 'attendance'
    WHEN 'certificate_confirmed' THEN 'certificate'
    END)
WHERE CASE WHEN json_valid(outcome)
    THEN json_extract(outcome, '$.outcome') IS NOT 'rejected' AND json_extract(outcome, '$.service') IS NULL
    ELSE 0 END;
