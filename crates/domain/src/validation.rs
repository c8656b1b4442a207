//! Validation failures that name the field and say, in Korean, what is wrong, so a feed error
//! can be reported as "file:line: field: problem" to the office that sent it.

use std::fmt;

/// One field that failed validation. `field` is the wire/feed name of the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub problem: String,
}

impl FieldError {
    pub fn new(field: &'static str, problem: impl fmt::Display) -> Self {
        Self { field, problem: problem.to_string() }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

/// Every problem found in one record (we report all of them, not just the first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

/// Collects field errors while a draft is checked, then yields the value or all errors.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn check<T, E: fmt::Display>(&mut self, field: &'static str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.errors.push(FieldError::new(field, e.to_string()));
                None
            }
        }
    }

    pub fn fail(&mut self, field: &'static str, problem: impl fmt::Display) {
        self.errors.push(FieldError::new(field, problem));
    }

    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, ValidationErrors> {
        if self.errors.is_empty() {
            // `build` only returns None when a check failed, and then errors is non-empty.
            build().ok_or_else(|| ValidationErrors(vec![FieldError::new("record", "알 수 없는 검증 오류")]))
        } else {
            Err(ValidationErrors(self.errors))
        }
    }
}
