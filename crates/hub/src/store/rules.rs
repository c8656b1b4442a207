//! `programme_rules`: rules per course, else per institution, else the hub default, else
//! [`ProgrammeRules::default`].

use crate::db::{Connection, OptionalExtension, params};
use baeum_domain::Course;
use baeum_domain::rules::ProgrammeRules;

use super::{StoreError, decode, encode};

/// Where a set of rules applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Default,
    Institution(String),
    Course(String),
}

impl Scope {
    fn key(&self) -> String {
        match self {
            Scope::Default => "default".into(),
            Scope::Institution(id) => format!("institution:{id}"),
            Scope::Course(id) => format!("course:{id}"),
        }
    }
}

pub fn set(conn: &Connection, scope: &Scope, rules: &ProgrammeRules) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO programme_rules (scope, body) VALUES (?1, ?2) ON CONFLICT (scope) DO UPDATE SET body = excluded.body",
        params![scope.key(), encode(rules)],
    )?;
    Ok(())
}

/// The rules that govern `course`.
pub fn for_course(conn: &Connection, course: &Course) -> Result<ProgrammeRules, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT body FROM programme_rules WHERE scope = ?1")?;
    for scope in
        [Scope::Course(course.id.to_string()), Scope::Institution(course.institution_id.to_string()), Scope::Default]
    {
        let key = scope.key();
        if let Some(body) = stmt.query_row([&key], |r| r.get::<_, String>(0)).optional()? {
            return decode("운영 규칙", &key, &body);
        }
    }
    Ok(ProgrammeRules::default())
}
