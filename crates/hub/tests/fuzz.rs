//! Fuzz target for the feed importer: whatever bytes an office saves — CSV in UTF-8 or CP949,
//! JSON, or something that only claims to be one — `feed::parse_file` answers with a catalog or
//! with errors, never a panic, and a catalog it accepts holds only valid records. `cargo test`
//! gives it 1 s of random inputs; `make fuzz` longer (`BOLERO_RANDOM_TEST_TIME_MS`).

use baeum_hub::feed;

/// A real feed to mutate, so inputs reach past the header check.
const COURSES: &str = "id,institution_id,place_id,title,summary,field,life_stages,target,instructor,fee,materials_fee,capacity,selection,status,application_opens,application_closes,first_date,last_date,weekdays,starts_at,ends_at,skip_dates\n\
c1,gm-llc,,스마트폰 기초,설명,인문교양,노년|중장년,60세 이상,김은정,\"30,000원\",0,20,선착순,,2026-11-20 10:00,2026-11-30 18:00,2026-12-01,2026-12-22,\"화,목\",10:00,12:00,2026-12-17\n";

#[test]
fn the_feed_importer_never_panics_on_what_an_office_might_save() {
    // The feed mutated below is one the importer reads, so mutations start from a real course.
    let unmangled = feed::parse_file("courses.csv", COURSES.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unmangled.courses.len(), 1);
    bolero::check!().for_each(|bytes: &[u8]| {
        for name in ["courses.csv", "courses.json", "courses.txt"] {
            let _ = feed::parse_file(name, bytes);
        }
        // The real feed with bytes of it replaced, as UTF-8 and as CP949.
        let mut mangled = COURSES.as_bytes().to_vec();
        for (i, b) in bytes.iter().enumerate().take(6) {
            let at = (usize::from(*b) * 13 + i * 31) % mangled.len();
            mangled[at] = bytes.get(i + 6).copied().unwrap_or(b',');
        }
        let _ = feed::parse_file("courses.csv", &mangled);
        let text = String::from_utf8_lossy(&mangled).into_owned();
        let (cp949, _, _) = encoding_rs::EUC_KR.encode(&text);
        let _ = feed::parse_file("courses.csv", &cp949);
    });
}
