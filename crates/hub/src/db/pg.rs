//! The PostgreSQL side of [`super::Connection`]: one blocking client per connection, statements
//! prepared once per text and parameter types, and SQLite's storage classes mapped onto
//! PostgreSQL's types both ways.

use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, Kind, ToSql, Type, to_sql_checked};

use super::{Result, Value};

/// The advisory lock every hub write transaction takes first, on every hub process: the
/// PostgreSQL counterpart of SQLite's single writer (`BEGIN IMMEDIATE`).
pub const WRITE_LOCK: i64 = 0x0062_6165_756d_0001;
/// The lock one hub process holds while it runs housekeeping, so two never run it at once.
pub const HOUSEKEEPING_LOCK: i64 = 0x0062_6165_756d_0002;

/// Prepared statements kept per connection; the hub has a few hundred distinct statements, and
/// the cache is emptied if generated texts ever grow it past this.
const STATEMENT_CACHE: usize = 2_000;

/// A connection, served by a thread of its own. rust-postgres's blocking client drives its
/// own async runtime and refuses to run on a thread that is driving another (the hub's request
/// handlers, `#[tokio::test]`s); from its own thread it works the same from everywhere.
#[allow(missing_debug_implementations)]
pub struct Session {
    jobs: Option<std::sync::mpsc::Sender<Job>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

type Job = Box<dyn FnOnce(&mut Inner) + Send>;

struct Inner {
    url: String,
    client: postgres::Client,
    statements: HashMap<(String, Vec<u32>), postgres::Statement>,
    /// Between BEGIN and COMMIT/ROLLBACK: a connection lost here is not replaced until the
    /// transaction's end arrives, so no later statement of it runs on its own outside it.
    in_transaction: bool,
}

/// How long a caller waits for PostgreSQL's answer before giving up on it.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);

impl Session {
    /// Connects to `url` (`postgres://user@host:port/db`).
    pub fn connect(url: &str) -> Result<Self> {
        let url = url.to_owned();
        let (jobs, inbox) = std::sync::mpsc::channel::<Job>();
        let (ready, connected) = std::sync::mpsc::channel::<Result<()>>();
        let thread = std::thread::Builder::new()
            .name("baeum-pg".into())
            .spawn(move || {
                let mut inner = match Inner::connect(&url) {
                    Ok(inner) => {
                        let _ = ready.send(Ok(()));
                        inner
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                for job in inbox {
                    job(&mut inner);
                }
            })
            .map_err(|e| super::Error::conversion(0, format!("PostgreSQL 연결 스레드: {e}")))?;
        connected.recv().map_err(|_| super::Error::conversion(0, "PostgreSQL 연결 스레드가 멈췄습니다"))??;
        Ok(Self { jobs: Some(jobs), thread: Some(thread) })
    }

    fn run<T: Send + 'static>(&self, job: impl FnOnce(&mut Inner) -> Result<T> + Send + 'static) -> Result<T> {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        let sent = self.jobs.as_ref().map(|jobs| {
            jobs.send(Box::new(move |inner: &mut Inner| {
                let _ = reply.send(job(inner));
            }))
        });
        match sent {
            Some(Ok(())) => {}
            _ => return Err(super::Error::conversion(0, "PostgreSQL 연결이 닫혔습니다")),
        }
        answer.recv_timeout(ANSWER_WITHIN).map_err(|_| super::Error::conversion(0, "PostgreSQL이 응답하지 않습니다"))?
    }

    pub fn batch(&mut self, sql: &str) -> Result<()> {
        let sql = sql.to_owned();
        self.run(move |i| i.batch(&sql))
    }

    pub(super) fn begin_write(&mut self) -> Result<()> {
        self.run(Inner::begin_write)
    }

    /// Takes the session-level lock `key` if no other connection holds it; released by
    /// [`Session::unlock`] or when the connection closes (a crashed process frees it).
    pub fn try_lock(&mut self, key: i64) -> Result<bool> {
        self.run(move |i| {
            i.ready()?;
            Ok(i.client.query_one("SELECT pg_try_advisory_lock($1)", &[&key])?.get(0))
        })
    }

    pub fn unlock(&mut self, key: i64) -> Result<()> {
        self.run(move |i| {
            i.ready()?;
            i.client.execute("SELECT pg_advisory_unlock($1)", &[&key])?;
            Ok(())
        })
    }

    pub(super) fn execute(&mut self, sql: &str, values: &[Value]) -> Result<usize> {
        let (sql, values) = (sql.to_owned(), values.to_vec());
        self.run(move |i| i.execute(&sql, &values))
    }

    pub(super) fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<postgres::Row>> {
        let (sql, values) = (sql.to_owned(), values.to_vec());
        self.run(move |i| i.query(&sql, &values))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Closing the queue ends the thread, which closes the connection.
        self.jobs.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A readable description of a PostgreSQL error (its Display says only "db error").
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} {}: {}", db.severity(), db.code().code(), db.message()),
        None => e.to_string(),
    }
}

impl Inner {
    fn connect(url: &str) -> Result<Self> {
        let mut config: postgres::Config = url.parse()?;
        config.application_name("baeum-hub");
        config.connect_timeout(std::time::Duration::from_secs(10));
        // A server that vanished without closing the connection is noticed in about a minute.
        config.keepalives(true).keepalives_idle(std::time::Duration::from_secs(30));
        let mut client = config.connect(postgres::NoTls)?;
        // A statement stuck behind a lock fails after 30 s rather than holding a request forever.
        client.batch_execute("SET statement_timeout = '30s'; SET lock_timeout = '30s'")?;
        Ok(Self { url: url.to_owned(), client, statements: HashMap::new(), in_transaction: false })
    }

    /// A working connection: the same one, or (outside a transaction) a new one if the server
    /// closed it (a restart, a fail-over, an idle timeout).
    fn ready(&mut self) -> Result<()> {
        if !self.client.is_closed() {
            return Ok(());
        }
        if self.in_transaction {
            return Err(super::Error::conversion(0, "PostgreSQL 연결이 거래 도중에 끊겼습니다"));
        }
        tracing::warn!("the PostgreSQL connection was closed; connecting again");
        *self = Inner::connect(&self.url)?;
        Ok(())
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        let head = sql.trim_start().to_ascii_uppercase();
        let ends = head.starts_with("COMMIT") || (head.starts_with("ROLLBACK") && !head.starts_with("ROLLBACK TO"));
        if ends && self.client.is_closed() {
            // The transaction died with its connection; PostgreSQL has rolled it back.
            self.in_transaction = false;
            return if head.starts_with("ROLLBACK") {
                Ok(())
            } else {
                Err(super::Error::conversion(0, "PostgreSQL 연결이 거래 도중에 끊겼습니다"))
            };
        }
        self.ready()?;
        let done = self.client.batch_execute(sql);
        if head.starts_with("BEGIN") && done.is_ok() {
            self.in_transaction = true;
        }
        if ends {
            self.in_transaction = false;
        }
        Ok(done?)
    }

    fn begin_write(&mut self) -> Result<()> {
        self.ready()?;
        self.client.batch_execute("BEGIN")?;
        self.in_transaction = true;
        if let Err(e) = self.client.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]) {
            let _ = self.client.batch_execute("ROLLBACK");
            self.in_transaction = false;
            return Err(e.into());
        }
        Ok(())
    }

    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<usize> {
        self.ready()?;
        let stmt = self.statement(sql, values)?;
        let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        Ok(usize::try_from(self.client.execute(&stmt, &params)?).unwrap_or(usize::MAX))
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<postgres::Row>> {
        self.ready()?;
        let stmt = self.statement(sql, values)?;
        let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        Ok(self.client.query(&stmt, &params)?)
    }

    /// The statement for `sql` with these values' types: integers as bigint, text as text, and
    /// NULL left for the server to infer from where it is used.
    fn statement(&mut self, sql: &str, values: &[Value]) -> Result<postgres::Statement> {
        let types: Vec<Type> = values.iter().map(param_type).collect();
        let key = (sql.to_owned(), types.iter().map(Type::oid).collect::<Vec<_>>());
        if let Some(s) = self.statements.get(&key) {
            return Ok(s.clone());
        }
        let text = placeholders(sql);
        let stmt = match self.client.prepare_typed(&text, &types) {
            Ok(s) => s,
            // A NULL whose type nothing around it tells (`?3 IS NULL`): text will do.
            Err(e)
                if e.code() == Some(&postgres::error::SqlState::INDETERMINATE_DATATYPE)
                    || e.code() == Some(&postgres::error::SqlState::AMBIGUOUS_PARAMETER) =>
            {
                let typed: Vec<Type> =
                    types.iter().map(|t| if t.oid() == 0 { Type::TEXT } else { t.clone() }).collect();
                self.client.prepare_typed(&text, &typed)?
            }
            Err(e) => return Err(e.into()),
        };
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
        }
        self.statements.insert(key, stmt.clone());
        Ok(stmt)
    }
}

fn param_type(v: &Value) -> Type {
    match v {
        Value::Integer(_) => Type::INT8,
        Value::Real(_) => Type::FLOAT8,
        Value::Text(_) => Type::TEXT,
        Value::Blob(_) => Type::BYTEA,
        Value::Null => Type::new("unspecified".to_owned(), 0, Kind::Pseudo, "pg_catalog".to_owned()),
    }
}

/// SQLite's `?1` placeholders as PostgreSQL's `$1` (a bare `?` takes the next number). Quoted
/// literals and identifiers are copied as they are.
pub fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 0_u32;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                out.push('$');
                if digits.is_empty() {
                    next += 1;
                    out.push_str(&next.to_string());
                } else {
                    next = next.max(digits.parse().unwrap_or(0));
                    out.push_str(&digits);
                }
            }
            (None, c) => out.push(c),
        }
    }
    out
}

type BoxError = Box<dyn StdError + Sync + Send>;

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => i.to_string().to_sql(&Type::TEXT, out),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::FLOAT8 => f.to_sql(ty, out),
                _ => f.to_string().to_sql(&Type::TEXT, out),
            },
            Value::Text(s) => match *ty {
                Type::JSONB => {
                    out.extend_from_slice(&[1]);
                    out.extend_from_slice(s.as_bytes());
                    Ok(IsNull::No)
                }
                _ => {
                    out.extend_from_slice(s.as_bytes());
                    Ok(IsNull::No)
                }
            },
            Value::Blob(b) => b.as_slice().to_sql(&Type::BYTEA, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(match *ty {
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::OID => Value::Integer(u32::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Integer(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => Value::Text(std::str::from_utf8(raw.get(1..).unwrap_or_default())?.to_owned()),
            _ => Value::Text(std::str::from_utf8(raw)?.to_owned()),
        })
    }

    fn from_sql_null(_ty: &Type) -> Result<Self, BoxError> {
        Ok(Value::Null)
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

/// PostgreSQL's binary NUMERIC (what `SUM` of bigints gives): an integer when it has no
/// fractional digits, a real otherwise.
fn numeric(raw: &[u8]) -> Result<Value, BoxError> {
    let word = |i: usize| -> Result<u16, BoxError> {
        raw.get(i * 2..i * 2 + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(|| "short numeric".into())
    };
    let ndigits = usize::from(word(0)?);
    let weight = i32::from(word(1)? as i16);
    let sign = word(2)?;
    let dscale = word(3)?;
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let mut int: i128 = 0;
    let mut real = 0.0_f64;
    let mut fractional = dscale > 0;
    for i in 0..ndigits {
        let digit = i128::from(word(4 + i)?);
        let power = weight - i as i32;
        real += digit as f64 * 10_000_f64.powi(power);
        if power < 0 {
            fractional |= digit != 0;
        } else {
            int = int.saturating_add(digit.saturating_mul(10_000_i128.saturating_pow(power as u32)));
        }
    }
    let negative = sign == 0x4000;
    if !fractional && let Ok(i) = i64::try_from(if negative { -int } else { int }) {
        return Ok(Value::Integer(i));
    }
    Ok(Value::Real(if negative { -real } else { real }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_like_sqlite_and_literals_are_left_alone() {
        assert_eq!(super::placeholders("SELECT ?1, ?2 WHERE a = ?1"), "SELECT $1, $2 WHERE a = $1");
        assert_eq!(super::placeholders("SELECT ?, ? FROM t"), "SELECT $1, $2 FROM t");
        assert_eq!(super::placeholders("SELECT '?1' || ?1"), "SELECT '?1' || $1");
    }

    #[test]
    fn numerics_read_as_integers_when_whole() {
        // 123456789 = [1, 2345, 6789] with weight 2, scale 0.
        let raw: Vec<u8> = [3_u16, 2, 0, 0, 1, 2345, 6789].iter().flat_map(|w| w.to_be_bytes()).collect();
        assert_eq!(super::numeric(&raw).ok(), Some(super::Value::Integer(123_456_789)));
        // -1.5 = [1, 5000] with weight 0, negative, scale 1.
        let raw: Vec<u8> = [2_u16, 0, 0x4000, 1, 1, 5000].iter().flat_map(|w| w.to_be_bytes()).collect();
        assert_eq!(super::numeric(&raw).ok(), Some(super::Value::Real(-1.5)));
        // 0 has no digits.
        let raw: Vec<u8> = [0_u16, 0, 0, 0].iter().flat_map(|w| w.to_be_bytes()).collect();
        assert_eq!(super::numeric(&raw).ok(), Some(super::Value::Integer(0)));
    }
}
