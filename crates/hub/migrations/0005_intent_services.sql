-- Protocol 3: an outcome names its service ({"service":"enrollment","outcome":"confirmed",…}).
-- Rewrites the outcomes a protocol-2 hub stored so replays answer in the form kiosks now read.
-- Outcome names are unique across services, so the name says whose it was. A rejection names no
-- service in either protocol and stays as it is. An unknown name would get a JSON null service,
-- which reads back as a Corrupt error rather than being dropped.
-- (The replay digest covers the service's body without the envelope, so stored digests stay.)
UPDATE kiosk_intents
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
-- A stored outcome that is not JSON at all is left as it is (reading it is a Corrupt error);
-- json_extract would otherwise fail the whole migration and keep the hub from starting.
WHERE CASE WHEN json_valid(outcome)
    THEN json_extract(outcome, '$.outcome') IS NOT 'rejected' AND json_extract(outcome, '$.service') IS NULL
    ELSE 0 END;
