//! One connection type over the hub's two engines: the embedded SQLite file (one city, the
//! default) and PostgreSQL (a region, several hub processes on one database).
//!
//! The store modules were written against rusqlite, and they keep its shape: `execute`,
//! `query_row`, `prepare_cached(..).query_map(..)`, `params![..]`, `Row::get`, `.optional()` and
//! `transaction_with_behavior(Immediate)`. What differs per engine lives here and in [`pg`]:
//! placeholders (`?1` becomes `$1`), value conversion, and what a write transaction means.
//!
//! **Write transactions.** SQLite's `BEGIN IMMEDIATE` takes the database's one write lock, so the
//! arbitration code reads counts, queues and counters and writes its decision with nobody
//! writing in between. On PostgreSQL the same transaction begins by taking one transaction-level
//! advisory lock ([`pg::WRITE_LOCK`]) shared by every hub process: writes are serialised across
//! processes exactly as on SQLite, so seat counts, waitlist order, arrival numbers, certificate
//! serials and the change log's sequence are decided by one writer at a time, and a sequence
//! value is visible only once everything before it committed. Reads take no lock and run in
//! parallel on every process and connection.

pub mod pg;

use std::cell::RefCell;

use rusqlite::types::{ToSqlOutput, ValueRef};

/// Which engine a connection talks to; the few statements that differ ask this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A value as both engines see it (SQLite's storage classes).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", pg::describe(.0))]
    Postgres(#[from] postgres::Error),
    #[error("Query returned no rows")]
    QueryReturnedNoRows,
    #[error("column {column}: {problem}")]
    Conversion { column: usize, problem: String },
}

impl Error {
    /// A stored value that does not read as the type asked for.
    pub fn conversion(column: usize, problem: impl ToString) -> Self {
        Error::Conversion { column, problem: problem.to_string() }
    }

    /// A constraint refused the write (unique key, check, exclusion, or one of SQLite's triggers
    /// raising ABORT): the caller may answer it as a business outcome rather than a failure.
    pub fn is_constraint(&self) -> bool {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => e.code == rusqlite::ErrorCode::ConstraintViolation,
            Error::Postgres(e) => e.code().is_some_and(|c| c.code().starts_with("23")),
            _ => false,
        }
    }

    /// The message a constraint or trigger gave, for telling which rule refused.
    pub fn constraint_message(&self) -> Option<String> {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(_, Some(m))) => Some(m.clone()),
            Error::Postgres(e) => e.as_db_error().map(|d| format!("{} {}", d.constraint().unwrap_or(""), d.message())),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `rusqlite::OptionalExtension`: no row becomes `None`.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::QueryReturnedNoRows) | Err(Error::Sqlite(rusqlite::Error::QueryReturnedNoRows)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Only `Immediate` exists: every hub transaction writes (see the module comment).
#[derive(Debug, Clone, Copy)]
pub enum TransactionBehavior {
    Immediate,
}

/// A connection to either engine. Methods take `&self` like rusqlite's, so a store function
/// takes `&Connection` whether it runs inside a transaction or not.
pub struct Connection {
    engine: Engine,
}

enum Engine {
    Sqlite(rusqlite::Connection),
    Postgres(Box<RefCell<pg::Session>>),
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("dialect", &self.dialect()).finish()
    }
}

impl Connection {
    /// Wraps an open, configured and migrated SQLite connection.
    pub fn sqlite(conn: rusqlite::Connection) -> Self {
        Self { engine: Engine::Sqlite(conn) }
    }

    pub(crate) fn postgres(session: pg::Session) -> Self {
        Self { engine: Engine::Postgres(Box::new(RefCell::new(session))) }
    }

    pub fn dialect(&self) -> Dialect {
        match self.engine {
            Engine::Sqlite(_) => Dialect::Sqlite,
            Engine::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The SQLite connection underneath, for what only SQLite has (its online backup).
    pub fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.engine {
            Engine::Sqlite(c) => Some(c),
            Engine::Postgres(_) => None,
        }
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Engine::Postgres(s) => s.borrow_mut().batch(sql),
        }
    }

    pub fn query_row<P, T, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(match &self.engine {
            Engine::Sqlite(c) => Statement::Sqlite(c.prepare_cached(sql)?),
            Engine::Postgres(s) => Statement::Postgres { session: s, sql: sql.to_owned() },
        })
    }

    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare_cached(sql)
    }

    /// Runs `f` under a savepoint: if it fails, what it wrote is undone and the transaction
    /// around it goes on (PostgreSQL would otherwise refuse every later statement of it).
    pub fn savepoint<T, E: From<Error>>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E> {
        self.execute_batch("SAVEPOINT guarded")?;
        match f(self) {
            Ok(v) => {
                self.execute_batch("RELEASE guarded")?;
                Ok(v)
            }
            Err(e) => {
                self.execute_batch("ROLLBACK TO guarded; RELEASE guarded")?;
                Err(e)
            }
        }
    }

    /// Takes the cross-process lock `key` if it is free (PostgreSQL's session advisory lock). On
    /// SQLite there is one hub process per file, so it is always free.
    pub fn try_lock(&self, key: i64) -> Result<bool> {
        match &self.engine {
            Engine::Sqlite(_) => Ok(true),
            Engine::Postgres(s) => s.borrow_mut().try_lock(key),
        }
    }

    pub fn unlock(&self, key: i64) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(_) => Ok(()),
            Engine::Postgres(s) => s.borrow_mut().unlock(key),
        }
    }

    /// Begins a transaction that only reads, and sees one consistent state throughout
    /// (PostgreSQL: repeatable read, read only; it takes no lock).
    pub fn read_transaction(&mut self) -> Result<Transaction<'_>> {
        match self.dialect() {
            Dialect::Sqlite => self.execute_batch("BEGIN")?,
            Dialect::Postgres => self.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?,
        }
        Ok(Transaction { conn: self, finished: false })
    }

    /// The same as [`Connection::transaction_with_behavior`]: every hub transaction that is not a
    /// [`Connection::read_transaction`] writes.
    pub fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.transaction_with_behavior(TransactionBehavior::Immediate)
    }

    /// Begins a write transaction (see the module comment for what it locks on each engine).
    /// Dropped without `commit`, it rolls back.
    pub fn transaction_with_behavior(&mut self, _behavior: TransactionBehavior) -> Result<Transaction<'_>> {
        match &self.engine {
            Engine::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            Engine::Postgres(s) => s.borrow_mut().begin_write()?,
        }
        Ok(Transaction { conn: self, finished: false })
    }
}

/// A write transaction; derefs to its connection so store functions take it as `&Connection`.
#[allow(missing_debug_implementations)]
pub struct Transaction<'c> {
    conn: &'c mut Connection,
    finished: bool,
}

impl Transaction<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.finished = true;
        self.conn.execute_batch("COMMIT")
    }

    pub fn rollback(mut self) -> Result<()> {
        self.finished = true;
        self.conn.execute_batch("ROLLBACK")
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // Nothing to do if this fails: the connection is then broken and its next use says so.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

#[allow(missing_debug_implementations)]
pub enum Statement<'c> {
    Sqlite(rusqlite::CachedStatement<'c>),
    Postgres { session: &'c RefCell<pg::Session>, sql: String },
}

impl Statement<'_> {
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        let values = params.values()?;
        match self {
            Statement::Sqlite(s) => Ok(s.execute(rusqlite::params_from_iter(values.iter()))?),
            Statement::Postgres { session, sql } => session.borrow_mut().execute(sql, &values),
        }
    }

    pub fn query_row<P, T, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let values = params.values()?;
        match self {
            Statement::Sqlite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                match rows.next()? {
                    Some(row) => f(&Row::Sqlite(row)),
                    None => Err(Error::QueryReturnedNoRows),
                }
            }
            Statement::Postgres { session, sql } => {
                let rows = session.borrow_mut().query(sql, &values)?;
                match rows.first() {
                    Some(row) => f(&Row::Postgres(row)),
                    None => Err(Error::QueryReturnedNoRows),
                }
            }
        }
    }

    /// Every row mapped by `f`. The rows are read whole before this returns (as PostgreSQL's
    /// client does anyway); callers iterate the results as they did over rusqlite's.
    pub fn query_map<P, T, F>(&mut self, params: P, mut f: F) -> Result<std::vec::IntoIter<Result<T>>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let values = params.values()?;
        let mut out = Vec::new();
        match self {
            Statement::Sqlite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(row) = rows.next()? {
                    out.push(f(&Row::Sqlite(row)));
                }
            }
            Statement::Postgres { session, sql } => {
                for row in session.borrow_mut().query(sql, &values)? {
                    out.push(f(&Row::Postgres(&row)));
                }
            }
        }
        Ok(out.into_iter())
    }
}

/// One result row of either engine.
#[allow(missing_debug_implementations)]
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

impl Row<'_> {
    /// The value of column `idx` as `T` (the same turbofish as rusqlite: `get::<_, String>(0)`).
    pub fn get<I: RowIndex, T: FromValue>(&self, idx: I) -> Result<T> {
        let idx = idx.index();
        let value = match self {
            Row::Sqlite(r) => Value::from(r.get_ref(idx)?),
            Row::Postgres(r) => r.try_get::<usize, Value>(idx)?,
        };
        T::from_value(value).map_err(|problem| Error::conversion(idx, problem))
    }
}

/// A column number (one integer type only, so a literal `0` needs no suffix).
pub trait RowIndex {
    fn index(self) -> usize;
}

impl RowIndex for usize {
    fn index(self) -> usize {
        self
    }
}

impl From<ValueRef<'_>> for Value {
    fn from(v: ValueRef<'_>) -> Self {
        match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// What can be bound as a parameter.
pub trait ToValue {
    fn to_value(&self) -> Result<Value>;
}

macro_rules! to_value_int {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Result<Value> {
                i64::try_from(*self).map(Value::Integer).map_err(|e| Error::conversion(0, e))
            }
        }
    )*};
}
to_value_int!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

impl ToValue for bool {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Integer(i64::from(*self)))
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Real(*self))
    }
}
impl ToValue for str {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Text(self.to_owned()))
    }
}
impl ToValue for String {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Text(self.clone()))
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Blob(self.to_vec()))
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Result<Value> {
        Ok(Value::Blob(self.clone()))
    }
}
impl ToValue for Value {
    fn to_value(&self) -> Result<Value> {
        Ok(self.clone())
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Result<Value> {
        self.as_ref().map_or(Ok(Value::Null), ToValue::to_value)
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Result<Value> {
        (**self).to_value()
    }
}
impl<T: ToValue + ?Sized> ToValue for Box<T> {
    fn to_value(&self) -> Result<Value> {
        (**self).to_value()
    }
}

/// What can be read from a column.
pub trait FromValue: Sized {
    fn from_value(value: Value) -> Result<Self, String>;
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL",
        Value::Integer(_) => "an integer",
        Value::Real(_) => "a real",
        Value::Text(_) => "text",
        Value::Blob(_) => "a blob",
    }
}

macro_rules! from_value_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::Integer(i) => <$t>::try_from(i).map_err(|e| format!("{i}: {e}")),
                    other => Err(format!("expected an integer, found {}", kind(&other))),
                }
            }
        }
    )*};
}
from_value_int!(i8, i16, i32, i64, u8, u16, u32, u64, usize);

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self, String> {
        i64::from_value(value).map(|i| i != 0)
    }
}
impl FromValue for f64 {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Real(f) => Ok(f),
            Value::Integer(i) => Ok(i as f64),
            other => Err(format!("expected a number, found {}", kind(&other))),
        }
    }
}
impl FromValue for String {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Text(s) => Ok(s),
            other => Err(format!("expected text, found {}", kind(&other))),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Blob(b) => Ok(b),
            Value::Text(s) => Ok(s.into_bytes()),
            other => Err(format!("expected a blob, found {}", kind(&other))),
        }
    }
}
impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self, String> {
        Ok(value)
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// Parameters of a statement: `params![a, b]`, `[a, b]` or `[]`.
pub trait Params {
    fn values(self) -> Result<Vec<Value>>;
}

impl Params for &[&dyn ToValue] {
    fn values(self) -> Result<Vec<Value>> {
        self.iter().map(|p| p.to_value()).collect()
    }
}

impl Params for [&dyn ToValue; 0] {
    fn values(self) -> Result<Vec<Value>> {
        Ok(Vec::new())
    }
}

impl Params for () {
    fn values(self) -> Result<Vec<Value>> {
        Ok(Vec::new())
    }
}

impl Params for Vec<Value> {
    fn values(self) -> Result<Vec<Value>> {
        Ok(self)
    }
}

macro_rules! params_for_arrays {
    ($($n:literal),*) => {$(
        impl<T: ToValue> Params for [T; $n] {
            fn values(self) -> Result<Vec<Value>> {
                self.iter().map(ToValue::to_value).collect()
            }
        }
        impl<T: ToValue + ?Sized> Params for &[&T; $n] {
            fn values(self) -> Result<Vec<Value>> {
                self.iter().map(|p| p.to_value()).collect()
            }
        }
    )*};
}
params_for_arrays!(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

/// `rusqlite::params!`, for either engine.
#[macro_export]
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::db::ToValue]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::db::ToValue),+] as &[&dyn $crate::db::ToValue]
    };
}
pub use crate::params;

/// A JSON text column's field as text: `json_extract(col, '$.field')` on SQLite,
/// `(col::jsonb ->> 'field')` on PostgreSQL.
pub fn json_field(dialect: Dialect, column: &str, field: &str) -> String {
    match dialect {
        Dialect::Sqlite => format!("json_extract({column}, '$.{field}')"),
        Dialect::Postgres => format!("({column}::jsonb ->> '{field}')"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_keeps_rusqlite_semantics() {
        let conn = Connection::sqlite(rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}")));
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)")
            .unwrap_or_else(|e| panic!("{e}"));
        let n = conn
            .execute("INSERT INTO t (name, n) VALUES (?1, ?2)", params!["가", 7_u32])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n, 1);
        let none: Option<String> = conn
            .query_row("SELECT name FROM t WHERE n = ?1", [8], |r| r.get(0))
            .optional()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(none, None);
        let got: (String, u32) = conn
            .query_row("SELECT name, n FROM t", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, ("가".to_owned(), 7));
        let wrong = conn.query_row("SELECT name FROM t", [], |r| r.get::<_, i64>(0));
        assert!(matches!(wrong, Err(Error::Conversion { column: 0, .. })), "{wrong:?}");
    }

    #[test]
    fn a_transaction_dropped_without_commit_rolls_back() {
        let mut conn = Connection::sqlite(rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}")));
        conn.execute_batch("CREATE TABLE t (x INTEGER)").unwrap_or_else(|e| panic!("{e}"));
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).unwrap_or_else(|e| panic!("{e}"));
            tx.execute("INSERT INTO t VALUES (1)", []).unwrap_or_else(|e| panic!("{e}"));
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).unwrap_or_else(|e| panic!("{e}"));
        tx.execute("INSERT INTO t VALUES (2)", []).unwrap_or_else(|e| panic!("{e}"));
        tx.commit().unwrap_or_else(|e| panic!("{e}"));
        let all: i64 = conn.query_row("SELECT SUM(x) FROM t", [], |r| r.get(0)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all, 2);
    }
}
