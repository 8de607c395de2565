//! The office's back end: the ledger on a PostgreSQL server (tested with PostgreSQL 15).
//!
//! - `parkland db init URL` (an administrator, once) makes the roles `parkland_viewer`,
//!   `parkland_editor` and `parkland_admin` and the schema (`sql/server/*.sql`), each
//!   migration in one transaction, its version in `parkland_schema`; a newer schema is refused.
//! - The server records who changed what and when (triggers using `session_user` and
//!   `now()`): the name the program sends is not trusted. The history is append-only (a
//!   trigger refuses every update and delete of an event). Row-level security limits an editor
//!   listed in `district_grant` to those districts.
//! - Every statement is parameterised; every write is one transaction whose rows are locked
//!   (`SELECT … FOR UPDATE`) before their version is checked, and two writers registering the
//!   same parcel wait for each other (an advisory lock on the parcel number).

use super::attachments::Attachment;
use super::store::{
    AsOfRow, Cols, Dump, EntryColumns, NewAttachment, NewEvent, PIECES_FROM_CASES, RowUpdate,
    Store, Tx, as_of_row_from, attachment_from, case_row_from, dump_case_from, dump_event_from,
    dump_figure_from, event_from, figure_from, stored_from,
};
use super::{CaseRow, Event, LedgerError, StoredEntry};
use crate::model::{EnterpriseFigures, LedgerEntry, Text};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls};
use std::cell::RefCell;
use std::time::Duration;

/// The columns of a document's description ([`attachment_from`]), times as stored on files.
const ATTACHMENT_SELECT: &str = "SELECT id, entry_id, name, media_type, size, sha256, \
     to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), added_by, \
     to_char(removed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), removed_by \
     FROM attachment";

/// The server schema this program writes.
pub const SERVER_SCHEMA_VERSION: i32 = 4;

/// Migration `i` takes a server ledger from version `i` to `i + 1`.
const MIGRATIONS: [&str; 4] = [
    include_str!("sql/server/0001_init.sql"),
    include_str!("sql/server/0002_event_time_index.sql"),
    include_str!("sql/server/0003_attachments.sql"),
    include_str!("sql/server/0004_entry_state.sql"),
];

/// The roles, least to most.
pub const ROLES: [&str; 3] = ["parkland_viewer", "parkland_editor", "parkland_admin"];

/// True for a `postgresql://` or `postgres://` URL (a ledger on a server, not a file).
#[must_use]
pub fn is_server_url(location: &str) -> bool {
    let lower = location.trim_start().to_ascii_lowercase();
    lower.starts_with("postgresql://") || lower.starts_with("postgres://")
}

/// What went wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("not a usable server address {url:?}: {detail}")]
    BadUrl { url: String, detail: String },
    #[error("cannot reach the ledger server {url}: {detail}")]
    Connect { url: String, detail: String },
    #[error(
        "{url} holds no Parkland ledger: an administrator runs `parkland db init {url}` once first"
    )]
    NoSchema { url: String },
    #[error(
        "the ledger on {url} has server schema {found}; this program knows {known}: update Parkland"
    )]
    TooNew { url: String, found: i32, known: i32 },
    #[error(
        "the ledger on {url} has server schema {found} and this program's is {known}: an \
         administrator runs `parkland db init {url}` to bring it up to date"
    )]
    TooOld { url: String, found: i32, known: i32 },
    #[error("the ledger server: {0}")]
    Query(String),
}

/// A server error as the ledger reports it: a refusal of the account's rights as
/// [`LedgerError::Denied`] (in both languages), anything else with the server's words.
fn pg_error(error: &postgres::Error) -> LedgerError {
    if lost(error) {
        return offline(&error.to_string());
    }
    if error.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
        let detail = error
            .as_db_error()
            .map_or_else(|| error.to_string(), |e| e.message().to_owned());
        return LedgerError::Denied(Text {
            zh: format!("服务器拒绝：此账号没有这项权限（{detail}）"),
            en: format!("the server refused: this account may not do that ({detail})"),
        });
    }
    let text = error
        .as_db_error()
        .map_or_else(|| error.to_string(), |e| e.message().to_owned());
    LedgerError::Server(ServerError::Query(text))
}

impl From<postgres::Error> for LedgerError {
    fn from(error: postgres::Error) -> Self {
        pg_error(&error)
    }
}

/// Whether an error means the connection is gone (the server stopped, the network broke),
/// rather than a refusal by a running server.
fn lost(error: &postgres::Error) -> bool {
    let transport =
        std::error::Error::source(error).is_some_and(<dyn std::error::Error>::is::<std::io::Error>);
    let shutting_down = error
        .code()
        .is_some_and(|c| c.code().starts_with("57P") || c.code().starts_with("08"));
    error.is_closed() || transport || shutting_down
}

/// The server is out of reach: nothing was written.
fn offline(detail: &str) -> LedgerError {
    LedgerError::Offline(Text {
        zh: format!("台账服务器连接中断（{detail}），未保存；连接恢复后重试"),
        en: format!(
            "the connection to the ledger server was lost ({detail}); nothing was saved: try \
             again when it is back"
        ),
    })
}

/// The refusal of a change to a district the account may not edit.
fn district_denied(district: Option<&str>) -> LedgerError {
    let district = district.unwrap_or("—");
    LedgerError::Denied(Text {
        zh: format!("没有修改{district}片区台账的权限"),
        en: format!("this account may not change the ledger of district {district}"),
    })
}

/// The connection settings of a URL, with the password from the URL, else `PGPASSWORD`,
/// else the password file (`PGPASSFILE`, or `~/.pgpass`), as libpq finds them.
fn config_of(url: &str) -> Result<(Config, super::tls::TlsSettings), ServerError> {
    let (url, tls) = super::tls::split(url).map_err(|detail| ServerError::BadUrl {
        url: shown_url_text(url),
        detail,
    })?;
    let url = url.as_str();
    let mut config: Config = url
        .parse()
        .map_err(|e: postgres::Error| ServerError::BadUrl {
            url: shown_url_text(url),
            detail: e.to_string(),
        })?;
    if config.get_password().is_none() {
        if let Some(password) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
            config.password(password);
        } else if let Some(password) = pgpass_password(&config) {
            config.password(password);
        }
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    config.application_name("parkland");
    config.ssl_mode(super::tls::library_mode(tls.mode));
    Ok((config, tls))
}

/// A password from the password file for these settings (`host:port:database:user:password`,
/// `*` matching anything, `\` escaping `:` and `\`).
fn pgpass_password(config: &Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".pgpass")))?;
    pgpass_lookup(&std::fs::read_to_string(path).ok()?, config)
}

/// The password of the first line of a password file that matches these settings.
fn pgpass_lookup(text: &str, config: &Config) -> Option<String> {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_owned(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default().to_owned();
    let dbname = config.get_dbname().unwrap_or(&user).to_owned();
    let wanted = [host, port, dbname, user];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            (fields.len() == 5
                && fields
                    .iter()
                    .zip(&wanted)
                    .all(|(field, want)| field == "*" || field == want))
            .then(|| fields[4].clone())
        })
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(field) = fields.last_mut()
                {
                    field.push(next);
                }
            }
            ':' => fields.push(String::new()),
            _ => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

/// The URL for people: user, host, port and database, never the password.
fn shown_url(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    format!("postgresql://{user}@{host}:{port}/{db}")
}

/// A URL as given, with any password blanked out.
pub(crate) fn shown_url_text(url: &str) -> String {
    // The query may hold anything libpq takes (a `password=` too): only the table and the
    // TLS mode are shown.
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let shown = base.parse::<Config>().map_or_else(
        |_| "(the server address given)".to_owned(),
        |c| shown_url(&c),
    );
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| p.starts_with("table=") || p.starts_with("sslmode="))
        .collect();
    if kept.is_empty() {
        shown
    } else {
        format!("{shown}?{}", kept.join("&"))
    }
}

/// Connects, with a message that says why not (host not found, refused, wrong password,
/// no such database).
fn connect(url: &str) -> Result<(Client, String), ServerError> {
    let (mut config, tls) = config_of(url)?;
    // The ledger's queries are short; compiling them (JIT) only costs: the ledger as of a
    // date spent 57 ms of its time compiling. Added to any options the URL gives.
    let options = match config.get_options() {
        Some(given) => format!("{given} -c jit=off"),
        None => "-c jit=off".to_owned(),
    };
    config.options(&options);
    let shown = shown_url(&config);
    let failed = |detail: String| ServerError::Connect {
        url: shown.clone(),
        detail,
    };
    let connected = match tls.mode {
        super::tls::SslMode::Disable => config.connect(NoTls),
        _ => config.connect(super::tls::connector(&tls).map_err(failed)?),
    };
    let client = connected.map_err(|e| {
        failed(e.as_db_error().map_or_else(
            || {
                // The library's words and what lies under them (the TLS handshake, the
                // socket): "error performing TLS handshake: invalid peer certificate …".
                let mut text = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    text = format!("{text}: {cause}");
                    source = cause.source();
                }
                text
            },
            |d| d.message().to_owned(),
        ))
    })?;
    Ok((client, shown))
}

/// A connection to the server at `url` for other work than the ledger (the PostGIS layers),
/// with the same password sources and messages.
pub fn connect_plain(url: &str) -> Result<Client, ServerError> {
    connect(url).map(|(client, _)| client)
}

/// The schema version of a server ledger, `None` when it has none.
fn schema_version(client: &mut Client) -> Result<Option<i32>, LedgerError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('parkland_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(None);
    }
    Ok(client
        .query_opt("SELECT version FROM parkland_schema", &[])?
        .map(|r| r.get(0)))
}

/// Makes the roles and brings the schema of the database at `url` up to this program's, each
/// migration in one transaction; run by an administrator (a role that may create roles).
/// Returns the schema version found (0 for a database without a ledger).
pub fn init(url: &str) -> Result<i32, LedgerError> {
    let (mut client, shown) = connect(url)?;
    // Roles belong to the whole server: two databases initialised at once may both try.
    client.batch_execute(
        "DO $$ BEGIN
           BEGIN CREATE ROLE parkland_viewer NOLOGIN;
           EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
           BEGIN CREATE ROLE parkland_editor NOLOGIN;
           EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
           BEGIN CREATE ROLE parkland_admin NOLOGIN;
           EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
         END $$;
         GRANT parkland_viewer TO parkland_editor;
         GRANT parkland_editor TO parkland_admin;",
    )?;
    let found = schema_version(&mut client)?.unwrap_or(0);
    if found > SERVER_SCHEMA_VERSION {
        return Err(ServerError::TooNew {
            url: shown,
            found,
            known: SERVER_SCHEMA_VERSION,
        }
        .into());
    }
    for (i, migration) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        let mut tx = client.transaction()?;
        tx.batch_execute(migration)?;
        let version = i32::try_from(i + 1).unwrap_or(i32::MAX);
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS parkland_schema (version integer NOT NULL);
             GRANT SELECT ON parkland_schema TO parkland_viewer;",
        )?;
        tx.execute("DELETE FROM parkland_schema", &[])?;
        tx.execute(
            "INSERT INTO parkland_schema (version) VALUES ($1)",
            &[&version],
        )?;
        tx.commit()?;
    }
    Ok(found)
}

/// Grants a role (`viewer`, `editor` or `admin`) to an account, limited to `districts` when
/// any are given (an editor of one district); an administrator's act.
pub fn grant(
    url: &str,
    account: &str,
    role: &str,
    districts: &[String],
) -> Result<(), LedgerError> {
    let role = match role.trim().trim_start_matches("parkland_") {
        "viewer" => "parkland_viewer",
        "editor" => "parkland_editor",
        "admin" => "parkland_admin",
        other => {
            return Err(LedgerError::Data(format!(
                "unknown role {other:?}: use viewer, editor or admin"
            )));
        }
    };
    let (mut client, _) = connect(url)?;
    let exists: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&account],
        )?
        .get(0);
    if !exists {
        return Err(LedgerError::Data(format!(
            "the server has no account {account:?}: create it first (CREATE ROLE … LOGIN PASSWORD …)"
        )));
    }
    let mut tx = client.transaction()?;
    // Role names cannot be parameters: quoted as identifiers.
    tx.batch_execute(&format!("GRANT {role} TO {}", quote_identifier(account)))?;
    tx.execute("DELETE FROM district_grant WHERE member = $1", &[&account])?;
    for district in districts {
        tx.execute(
            "INSERT INTO district_grant (member, district) VALUES ($1, $2)",
            &[&account, &district.trim()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// An SQL identifier, quoted.
fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// What an account may do, from its roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads.
    Viewer,
    /// Registers, edits, voids and corrects cases; imports enterprise figures.
    Editor,
    /// Everything, restoring voided cases too.
    Admin,
}

/// An open connection to a server ledger; a lost connection is made again at the next
/// operation.
pub(crate) struct ServerStore {
    client: RefCell<Client>,
    role: Role,
    /// The URL as given (with any password), to connect again.
    url: String,
    location: String,
    user: String,
    /// Reading connections handed back after a read on several at once (the ledger as of a
    /// date), kept for the next: a connection costs the server a process and a TLS handshake
    /// (10 ms of a 200 ms rebuild).
    spare: RefCell<Vec<Box<dyn Store>>>,
}

/// A new id for one write, unique across processes and connections.
fn write_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

const SELECT_ENTRIES: &str = "SELECT id, version, deleted, parcel_no, district, holder, \
    parcel_area_m2, idle_land_m2, idle_building_m2, kind, subtype, cause, cause_text, \
    identified_on::text, agreed_start_on::text, idle_since::text, deadline::text, \
    completed_on::text, methods, method_other, progress, revitalized_land_m2, \
    revitalized_building_m2, new_project, investment_10k_yuan, responsible_unit, notes, \
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), created_by, \
    to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), updated_by \
    FROM ledger_entry";

impl ServerStore {
    /// Connects to a server ledger, checking its schema; `(store, false)`: a server ledger is
    /// made by `db init`, never by opening it.
    pub fn connect(url: &str) -> Result<(Self, bool), LedgerError> {
        let (mut client, shown) = connect(url)?;
        match schema_version(&mut client)? {
            None => return Err(ServerError::NoSchema { url: shown }.into()),
            Some(found) if found > SERVER_SCHEMA_VERSION => {
                return Err(ServerError::TooNew {
                    url: shown,
                    found,
                    known: SERVER_SCHEMA_VERSION,
                }
                .into());
            }
            Some(found) if found < SERVER_SCHEMA_VERSION => {
                return Err(ServerError::TooOld {
                    url: shown,
                    found,
                    known: SERVER_SCHEMA_VERSION,
                }
                .into());
            }
            Some(_) => {}
        }
        let row = client.query_one(
            "SELECT session_user::text, \
             pg_has_role(session_user, 'parkland_admin', 'MEMBER'), \
             pg_has_role(session_user, 'parkland_editor', 'MEMBER')",
            &[],
        )?;
        let user: String = row.get(0);
        let role = match (row.get(1), row.get(2)) {
            (true, _) => Role::Admin,
            (false, true) => Role::Editor,
            (false, false) => Role::Viewer,
        };
        Ok((
            Self {
                client: RefCell::new(client),
                role,
                url: url.to_owned(),
                location: shown,
                user,
                spare: RefCell::new(Vec::new()),
            },
            false,
        ))
    }

    /// The connection, made again first if it was lost.
    fn live(&self) -> Result<std::cell::RefMut<'_, Client>, LedgerError> {
        let mut client = self.client.borrow_mut();
        if client.is_closed() {
            *client = connect(&self.url).map_err(|e| offline(&e.to_string()))?.0;
        }
        Ok(client)
    }

    /// The account the server knows this connection as.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// What the account may do.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The URL as given, to connect again.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// One round trip to the server.
    pub fn ping(&self) -> Result<(), LedgerError> {
        self.live()?.simple_query("SELECT 1")?;
        Ok(())
    }

    fn rows<T>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        decode: fn(&dyn Cols) -> Result<T, LedgerError>,
    ) -> Result<Vec<T>, LedgerError> {
        let rows = self.live()?.query(sql, params)?;
        rows.iter().map(|r| decode(&ServerRow(r))).collect()
    }
}

/// A server row as [`Cols`].
struct ServerRow<'a>(&'a postgres::Row);

impl ServerRow<'_> {
    fn get<'b, T: postgres::types::FromSql<'b>>(&'b self, i: usize) -> Result<T, LedgerError> {
        self.0
            .try_get(i)
            .map_err(|e| LedgerError::Data(e.to_string()))
    }
}

impl Cols for ServerRow<'_> {
    fn text(&self, i: usize) -> Result<String, LedgerError> {
        self.get(i)
    }
    fn time(&self, i: usize) -> Result<String, LedgerError> {
        // Sent as a `timestamptz` (`to_char` on the server took 40 of 90 ms reading 50,000
        // cases as of a date), truncated to the second as `to_char` did.
        let at = jiff::Timestamp::try_from(self.get::<std::time::SystemTime>(i)?)
            .map_err(|e| LedgerError::Data(e.to_string()))?;
        let second = at.as_second() - i64::from(at.subsec_nanosecond() < 0);
        Ok(jiff::Timestamp::from_second(second)
            .map_err(|e| LedgerError::Data(e.to_string()))?
            .to_string())
    }
    fn entry_json(&self, i: usize) -> Result<Option<LedgerEntry>, LedgerError> {
        self.get::<Option<&str>>(i)?
            .map(super::store::parse_entry_text)
            .transpose()
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, LedgerError> {
        self.get(i)
    }
    fn real(&self, i: usize) -> Result<f64, LedgerError> {
        self.get(i)
    }
    fn int(&self, i: usize) -> Result<i64, LedgerError> {
        // bigint ids, integer years.
        match self.0.columns().get(i).map(|c| c.type_().clone()) {
            Some(postgres::types::Type::INT4) => self.get::<i32>(i).map(i64::from),
            _ => self.get(i),
        }
    }
    fn flag(&self, i: usize) -> Result<bool, LedgerError> {
        self.get(i)
    }
}

/// The entry's columns as the parameters `$1`…`$24` of the insert and the update.
fn entry_params<'a>(columns: &'a EntryColumns<'a>) -> Vec<&'a (dyn ToSql + Sync)> {
    let e = columns.entry;
    vec![
        &e.parcel_no,
        &e.district,
        &e.holder,
        &e.parcel_area_m2,
        &e.idle_land_m2,
        &e.idle_building_m2,
        &columns.kind,
        &columns.subtype,
        &columns.cause,
        &e.cause_text,
        &columns.dates[0],
        &columns.dates[1],
        &columns.dates[2],
        &columns.dates[3],
        &columns.dates[4],
        &columns.methods,
        &e.method_other,
        &columns.progress,
        &e.revitalized_land_m2,
        &e.revitalized_building_m2,
        &e.new_project,
        &e.investment_10k_yuan,
        &e.responsible_unit,
        &e.notes,
    ]
}

/// A write transaction on the server.
struct ServerTx<'a> {
    tx: postgres::Transaction<'a>,
    /// Stored with the events it appends.
    write_id: String,
    /// To look the write up on a new connection when its commit is cut off.
    url: &'a str,
}

impl Tx for ServerTx<'_> {
    fn select_one(&mut self, id: i64) -> Result<Option<StoredEntry>, LedgerError> {
        let locked = self.tx.query(
            &format!("{SELECT_ENTRIES} WHERE id = $1 FOR UPDATE"),
            &[&id],
        )?;
        if let Some(row) = locked.first() {
            return stored_from(&ServerRow(row)).map(Some);
        }
        // Not lockable: no such case, or one of a district this account may not change.
        let district: Option<Option<String>> = self
            .tx
            .query_opt("SELECT district FROM ledger_entry WHERE id = $1", &[&id])?
            .map(|r| r.get(0));
        match district {
            None => Ok(None),
            Some(district) => Err(district_denied(district.as_deref())),
        }
    }

    fn open_case_of(
        &mut self,
        parcel_no: &str,
        except: Option<i64>,
    ) -> Result<Option<i64>, LedgerError> {
        // Two writers registering the same parcel wait for each other here.
        self.tx
            .execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&parcel_no])?;
        Ok(self
            .tx
            .query_opt(
                "SELECT id FROM ledger_entry WHERE parcel_no = $1 AND NOT deleted \
                 AND progress NOT IN ('revitalized', 'written_off') AND id <> $2 \
                 ORDER BY id DESC LIMIT 1",
                &[&parcel_no, &except.unwrap_or(-1)],
            )?
            .map(|r| r.get(0)))
    }

    fn insert(
        &mut self,
        entry: &LedgerEntry,
        geometry: Option<&str>,
        operator: &str,
        at: &str,
    ) -> Result<i64, LedgerError> {
        let columns = EntryColumns::new(entry);
        let mut params = entry_params(&columns);
        params.extend([&geometry as &(dyn ToSql + Sync), &at, &operator]);
        let row = self
            .tx
            .query_one(include_str!("sql/server/insert_entry.sql"), &params)
            .map_err(|e| refused_for(&e, entry))?;
        Ok(row.get(0))
    }

    fn update(
        &mut self,
        row: &RowUpdate<'_>,
        operator: &str,
        at: &str,
    ) -> Result<u64, LedgerError> {
        let columns = EntryColumns::new(row.entry);
        let mut params = entry_params(&columns);
        params.extend([
            &row.id as &(dyn ToSql + Sync),
            &row.expected_version,
            &row.deleted,
            &at,
            &operator,
        ]);
        self.tx
            .execute(include_str!("sql/server/update_entry.sql"), &params)
            .map_err(|e| refused_for(&e, row.entry))
    }

    fn insert_event(&mut self, event: &NewEvent<'_>, at: &str) -> Result<(), LedgerError> {
        self.tx.execute(
            "INSERT INTO entry_event (entry_id, at, operator, action, step, before_json, \
             after_json, reason, write_id) \
             VALUES ($1, $2::text::timestamptz, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &event.entry_id,
                &at,
                &event.operator,
                &event.action,
                &event.step,
                &event.before_json,
                &event.after_json,
                &event.reason,
                &self.write_id,
            ],
        )?;
        Ok(())
    }

    fn insert_attachment(
        &mut self,
        a: &NewAttachment<'_>,
        operator: &str,
        at: &str,
    ) -> Result<i64, LedgerError> {
        let size = i64::try_from(a.content.len()).unwrap_or(i64::MAX);
        let id: i64 = self
            .tx
            .query_one(
                "INSERT INTO attachment (entry_id, name, media_type, size, sha256, added_at, \
                 added_by) VALUES ($1, $2, $3, $4, $5, $6::text::timestamptz, $7) RETURNING id",
                &[
                    &a.entry_id,
                    &a.name,
                    &a.media_type,
                    &size,
                    &a.sha256,
                    &at,
                    &operator,
                ],
            )?
            .get(0);
        self.tx.execute(
            "INSERT INTO attachment_content (attachment_id, content) VALUES ($1, $2)",
            &[&id, &a.content],
        )?;
        Ok(id)
    }

    fn attachment(&mut self, id: i64) -> Result<Option<Attachment>, LedgerError> {
        let rows = self.tx.query(
            &format!("{ATTACHMENT_SELECT} WHERE id = $1 FOR UPDATE"),
            &[&id],
        )?;
        rows.first()
            .map(|r| attachment_from(&ServerRow(r)))
            .transpose()
    }

    fn set_attachment_removed(
        &mut self,
        id: i64,
        removed: Option<(&str, &str)>,
    ) -> Result<(), LedgerError> {
        let (by, at) = removed.unzip();
        self.tx.execute(
            "UPDATE attachment SET removed_by = $2, removed_at = $3::text::timestamptz \
             WHERE id = $1",
            &[&id, &by, &at],
        )?;
        Ok(())
    }

    fn replace_enterprise_figures(
        &mut self,
        years: &[i16],
        figures: &[EnterpriseFigures],
        source: &str,
        operator: &str,
        at: &str,
    ) -> Result<usize, LedgerError> {
        let mut replaced = 0;
        for year in years {
            replaced += self.tx.execute(
                "DELETE FROM enterprise_figure WHERE year = $1",
                &[&i32::from(*year)],
            )?;
        }
        for f in figures {
            self.tx.execute(
                "INSERT INTO enterprise_figure (enterprise, year, output_10k_yuan, \
                 tax_10k_yuan, investment_10k_yuan, source, imported_at, imported_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7::text::timestamptz, $8)",
                &[
                    &f.enterprise.trim(),
                    &i32::from(f.year),
                    &f.output_10k_yuan,
                    &f.tax_10k_yuan,
                    &f.investment_10k_yuan,
                    &source,
                    &at,
                    &operator,
                ],
            )?;
        }
        Ok(usize::try_from(replaced).unwrap_or(usize::MAX))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), LedgerError> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .tx
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    fn start_copy(&mut self) -> Result<(), LedgerError> {
        let admin: bool = self
            .tx
            .query_one(
                "SELECT pg_has_role(session_user, 'parkland_admin', 'MEMBER')",
                &[],
            )?
            .get(0);
        if !admin {
            return Err(LedgerError::Denied(Text {
                zh: "写入保留原有人员和时间的记录（复制台账、载入历史）须由管理员（parkland_admin）进行"
                    .to_owned(),
                en: "writing records that keep their people and times (a ledger copy, a \
                     history) is an administrator's act (parkland_admin)"
                    .to_owned(),
            }));
        }
        self.tx
            .execute("SELECT set_config('parkland.preserve', 'on', true)", &[])?;
        Ok(())
    }

    fn reserve_ids(&mut self, events: bool, n: usize) -> Result<Vec<i64>, LedgerError> {
        let table = if events {
            "entry_event"
        } else {
            "ledger_entry"
        };
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let rows = self.tx.query(
            &format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) \
                 FROM generate_series(1, $1)"
            ),
            &[&n],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn load(&mut self, dump: &Dump) -> Result<(), LedgerError> {
        use std::io::Write as _;
        // COPY: a hundred thousand cases in one stream, not a round trip each.
        let io = |e: std::io::Error| offline(&e.to_string());
        let mut writer = self.tx.copy_in(
            "COPY ledger_entry (id, version, deleted, parcel_no, district, holder, \
             parcel_area_m2, idle_land_m2, idle_building_m2, kind, subtype, cause, cause_text, \
             identified_on, agreed_start_on, idle_since, deadline, completed_on, methods, \
             method_other, progress, revitalized_land_m2, revitalized_building_m2, new_project, \
             investment_10k_yuan, responsible_unit, notes, parcel_geometry, created_at, \
             created_by, updated_at, updated_by) FROM STDIN",
        )?;
        let mut line = String::new();
        for (stored, geometry) in &dump.cases {
            let columns = EntryColumns::new(&stored.entry);
            let e = &stored.entry;
            line.clear();
            let fields: [Option<String>; 32] = [
                Some(stored.id.to_string()),
                Some(stored.version.to_string()),
                Some(if stored.deleted { "t" } else { "f" }.to_owned()),
                Some(e.parcel_no.clone()),
                e.district.clone(),
                e.holder.clone(),
                Some(e.parcel_area_m2.to_string()),
                Some(e.idle_land_m2.to_string()),
                Some(e.idle_building_m2.to_string()),
                Some(columns.kind.to_owned()),
                columns.subtype.map(str::to_owned),
                Some(columns.cause.to_owned()),
                Some(e.cause_text.clone()),
                columns.dates[0].clone(),
                columns.dates[1].clone(),
                columns.dates[2].clone(),
                columns.dates[3].clone(),
                columns.dates[4].clone(),
                Some(columns.methods.clone()),
                Some(e.method_other.clone()),
                Some(columns.progress.to_owned()),
                Some(e.revitalized_land_m2.to_string()),
                Some(e.revitalized_building_m2.to_string()),
                Some(e.new_project.clone()),
                Some(e.investment_10k_yuan.to_string()),
                Some(e.responsible_unit.clone()),
                Some(e.notes.clone()),
                geometry.clone(),
                Some(stored.created_at.clone()),
                Some(stored.created_by.clone()),
                Some(stored.updated_at.clone()),
                Some(stored.updated_by.clone()),
            ];
            copy_line(&mut line, &fields);
            writer.write_all(line.as_bytes()).map_err(io)?;
        }
        writer.finish()?;
        let mut writer = self.tx.copy_in(
            "COPY entry_event (id, entry_id, at, operator, action, step, before_json, \
             after_json, reason) FROM STDIN",
        )?;
        for event in &dump.events {
            line.clear();
            copy_line(
                &mut line,
                &[
                    Some(event.id.to_string()),
                    Some(event.entry_id.to_string()),
                    Some(event.at.clone()),
                    Some(event.operator.clone()),
                    Some(event.action.clone()),
                    event.step.clone(),
                    event.before_json.clone(),
                    event.after_json.clone(),
                    event.reason.clone(),
                ],
            );
            writer.write_all(line.as_bytes()).map_err(io)?;
        }
        writer.finish()?;
        for f in &dump.figures {
            let g = &f.figure;
            self.tx.execute(
                "INSERT INTO enterprise_figure (enterprise, year, output_10k_yuan, \
                 tax_10k_yuan, investment_10k_yuan, source, imported_at, imported_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7::text::timestamptz, $8) \
                 ON CONFLICT (enterprise, year) DO UPDATE SET \
                 output_10k_yuan = excluded.output_10k_yuan, tax_10k_yuan = excluded.tax_10k_yuan, \
                 investment_10k_yuan = excluded.investment_10k_yuan, source = excluded.source, \
                 imported_at = excluded.imported_at, imported_by = excluded.imported_by",
                &[
                    &g.enterprise,
                    &i32::from(g.year),
                    &g.output_10k_yuan,
                    &g.tax_10k_yuan,
                    &g.investment_10k_yuan,
                    &f.source,
                    &f.imported_at,
                    &f.imported_by,
                ],
            )?;
        }
        Ok(())
    }

    fn after_loading(&mut self) -> Result<(), LedgerError> {
        self.tx.batch_execute(
            "SELECT setval(pg_get_serial_sequence('ledger_entry', 'id'), \
                    greatest((SELECT max(id) FROM ledger_entry), 1));
             SELECT setval(pg_get_serial_sequence('entry_event', 'id'), \
                    greatest((SELECT max(id) FROM entry_event), 1));
             -- A bulk load leaves the planner guessing (1,689 rows where there were 200,000:
             -- the ledger as of a date then read the table instead of the index).
             ANALYZE ledger_entry;
             ANALYZE entry_event;
             ANALYZE entry_state;",
        )?;
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<(), LedgerError> {
        let Self { tx, write_id, url } = *self;
        match tx.commit() {
            Ok(()) => Ok(()),
            // Cut off during the commit: saved or not, the server knows.
            Err(error) if lost(&error) => saved_after_all(url, &write_id),
            Err(error) => Err(error.into()),
        }
    }
}

/// One row of `COPY … FROM STDIN` in text format: fields separated by tabs, `\N` for null,
/// backslash, tab, newline and carriage return escaped.
fn copy_line(line: &mut String, fields: &[Option<String>]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push('\t');
        }
        match field {
            None => line.push_str("\\N"),
            Some(text) => push_copy_text(line, text),
        }
    }
    line.push('\n');
}

/// A text field of `COPY … FROM STDIN` text format: backslash, tab, newline and carriage
/// return escaped (the ledger's copy and the PostGIS export write through it).
pub(crate) fn push_copy_text(line: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => line.push_str("\\\\"),
            '\t' => line.push_str("\\t"),
            '\n' => line.push_str("\\n"),
            '\r' => line.push_str("\\r"),
            c => line.push(c),
        }
    }
}

/// Whether a write whose commit was cut off was saved: asked on a new connection, trying
/// again with backoff for half a minute while the server is out of reach.
fn saved_after_all(url: &str, write_id: &str) -> Result<(), LedgerError> {
    let mut wait = Duration::from_millis(100);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let asked = connect(url)
            .map_err(|e| e.to_string())
            .and_then(|(mut client, _)| {
                client
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM entry_event WHERE write_id = $1)",
                        &[&write_id],
                    )
                    .map(|row| row.get::<_, bool>(0))
                    .map_err(|e| e.to_string())
            });
        match asked {
            Ok(true) => return Ok(()),
            Ok(false) => {
                return Err(offline(
                    "the connection was cut off while saving; the server has no trace of it",
                ));
            }
            Err(detail) if std::time::Instant::now() >= deadline => {
                return Err(LedgerError::Offline(Text {
                    zh: format!(
                        "保存时与台账服务器的连接中断，服务器至今无法连接（{detail}）：是否已保存未知，请在连接恢复后查看该案件的记录"
                    ),
                    en: format!(
                        "the connection was cut off while saving and the server is still out of \
                         reach ({detail}): whether it was saved is unknown; check the case's \
                         history when the server is back"
                    ),
                }));
            }
            Err(_) => {
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// A write refused by row-level security, named by the case's district.
fn refused_for(error: &postgres::Error, entry: &LedgerEntry) -> LedgerError {
    if error.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE)
        && error
            .as_db_error()
            .is_some_and(|e| e.message().contains("row-level security"))
    {
        district_denied(entry.district.as_deref())
    } else {
        pg_error(error)
    }
}

impl Store for ServerStore {
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>, LedgerError> {
        drop(self.live()?);
        let url = &self.url;
        Ok(Box::new(ServerTx {
            tx: self.client.get_mut().transaction()?,
            write_id: write_id(),
            url,
        }))
    }

    fn list(&self, voided: bool) -> Result<Vec<StoredEntry>, LedgerError> {
        self.rows(
            &format!("{SELECT_ENTRIES} WHERE deleted = $1 ORDER BY id"),
            &[&voided],
            stored_from,
        )
    }

    fn get(&self, id: i64) -> Result<Option<StoredEntry>, LedgerError> {
        Ok(self
            .rows(
                &format!("{SELECT_ENTRIES} WHERE id = $1"),
                &[&id],
                stored_from,
            )?
            .into_iter()
            .next())
    }

    fn open_case(&self, parcel_no: &str) -> Result<Option<i64>, LedgerError> {
        Ok(self
            .client
            .borrow_mut()
            .query_opt(
                "SELECT id FROM ledger_entry WHERE parcel_no = $1 AND NOT deleted \
                 AND progress NOT IN ('revitalized', 'written_off') ORDER BY id DESC LIMIT 1",
                &[&parcel_no],
            )?
            .map(|r| r.get(0)))
    }

    fn case_rows(&self) -> Result<Vec<CaseRow>, LedgerError> {
        self.rows(
            "SELECT id, parcel_no, progress, methods, idle_land_m2, revitalized_land_m2, \
             revitalized_building_m2 FROM ledger_entry WHERE NOT deleted",
            &[],
            case_row_from,
        )
    }

    fn history(&self, parcel_no: &str) -> Result<Vec<Event>, LedgerError> {
        self.rows(
            "SELECT e.id, e.entry_id, l.parcel_no, \
             to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), e.operator, \
             e.action, e.step, e.before_json, e.after_json, e.reason \
             FROM entry_event e JOIN ledger_entry l ON l.id = e.entry_id \
             WHERE l.parcel_no = $1 ORDER BY e.id DESC",
            &[&parcel_no],
            event_from,
        )
    }

    fn event_count(&self) -> Result<i64, LedgerError> {
        Ok(self
            .client
            .borrow_mut()
            .query_one("SELECT count(*) FROM entry_event", &[])?
            .get(0))
    }

    fn as_of_parts(&self, parts: usize) -> Result<Vec<(i64, i64)>, LedgerError> {
        // Pieces of case ids by remainder (`entry_id % n = k`, as `(k, n)`): the span index
        // narrows each piece's query to the same few pages, where pieces of pages would read
        // them all.
        let cases: i64 = self
            .client
            .borrow_mut()
            .query_one("SELECT coalesce(max(id), 0)::bigint FROM ledger_entry", &[])?
            .get(0);
        // At most four: each piece after the first keeps a connection of its own open.
        let parts = if cases < PIECES_FROM_CASES {
            1
        } else {
            parts.clamp(1, 4)
        };
        let n = i64::try_from(parts).unwrap_or(1);
        Ok((0..n).map(|k| (k, n)).collect())
    }

    fn as_of_rows(&self, before: &str, part: (i64, i64)) -> Result<Vec<AsOfRow>, LedgerError> {
        // The states whose span holds the instant. The instant is cast once, in a subquery:
        // cast in the condition, it was cast twice per row (half the scan's time). Read
        // through the span index, on this connection alone: the planner, which cannot know
        // the states lie in time order, chose a parallel scan of the whole table (70 ms of
        // the server's against 30, and two more processes on the same cores).
        let mut client = self.live()?;
        let mut tx = client.transaction()?;
        tx.batch_execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL max_parallel_workers_per_gather = 0",
        )?;
        let rows = tx.query(
            "SELECT entry_id, version, created_at, created_by, valid_from, operator, action, \
             snapshot \
             FROM entry_state \
             WHERE valid_from < (SELECT $1::text::timestamptz) \
               AND valid_until >= (SELECT $1::text::timestamptz) \
               AND entry_id % $3 = $2",
            &[&before, &part.0, &part.1.max(1)],
        )?;
        tx.commit()?;
        drop(client);
        // The rows come in the order of their events; sorted by case and version here,
        // 24 bytes a row (sorting the decoded cases moved 100,000 structs of half a kilobyte
        // 17 times: 100 ms), then decoded.
        let mut sorted = rows
            .iter()
            .map(|r| Ok((r.try_get::<_, i64>(0)?, r.try_get::<_, i64>(1)?, r)))
            .collect::<Result<Vec<_>, postgres::Error>>()?;
        sorted.sort_unstable_by_key(|(id, version, _)| (*id, *version));
        let mut decoded: Vec<AsOfRow> = Vec::with_capacity(sorted.len());
        for (id, _, row) in sorted {
            // An event's time is its transaction's start: one that began earlier and
            // committed later has the higher id and the earlier time, and the span before it
            // holds the instant too. The case as of then is its last event by id before the
            // instant, the later of the two.
            if decoded.last().is_some_and(|last| last.entry_id == id) {
                decoded.pop();
            }
            decoded.push(as_of_row_from(&ServerRow(row))?);
        }
        Ok(decoded)
    }

    fn reader(&self) -> Result<Option<Box<dyn Store>>, LedgerError> {
        if let Some(reader) = self.spare.borrow_mut().pop() {
            return Ok(Some(reader));
        }
        Ok(Some(Box::new(Self::connect(&self.url)?.0)))
    }

    fn keep_reader(&self, reader: Box<dyn Store>) {
        self.spare.borrow_mut().push(reader);
    }

    fn attachments(&self, entry_id: i64, removed: bool) -> Result<Vec<Attachment>, LedgerError> {
        let filter = if removed {
            ""
        } else {
            " AND removed_at IS NULL"
        };
        self.rows(
            &format!("{ATTACHMENT_SELECT} WHERE entry_id = $1{filter} ORDER BY id"),
            &[&entry_id],
            attachment_from,
        )
    }

    fn all_attachments(&self) -> Result<Vec<Attachment>, LedgerError> {
        self.rows(
            &format!("{ATTACHMENT_SELECT} ORDER BY id"),
            &[],
            attachment_from,
        )
    }

    fn attachment_content(&self, id: i64) -> Result<Option<Vec<u8>>, LedgerError> {
        Ok(self
            .live()?
            .query_opt(
                "SELECT content FROM attachment_content WHERE attachment_id = $1",
                &[&id],
            )?
            .map(|r| r.get(0)))
    }

    fn event_span(&self) -> Result<Option<(String, String)>, LedgerError> {
        let row = self.client.borrow_mut().query_one(
            "SELECT to_char(min(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
                    to_char(max(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
             FROM entry_event",
            &[],
        )?;
        Ok(row
            .get::<_, Option<String>>(0)
            .zip(row.get::<_, Option<String>>(1)))
    }

    fn meta(&self, key: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .client
            .borrow_mut()
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    fn enterprise_figures(&self, year: Option<i16>) -> Result<Vec<EnterpriseFigures>, LedgerError> {
        let year = year.map(i32::from);
        self.rows(
            "SELECT enterprise, year, output_10k_yuan, tax_10k_yuan, investment_10k_yuan \
             FROM enterprise_figure WHERE $1::integer IS NULL OR year = $1 \
             ORDER BY year, enterprise",
            &[&year],
            figure_from,
        )
    }

    fn enterprise_years(&self) -> Result<Vec<i16>, LedgerError> {
        let rows = self.client.borrow_mut().query(
            "SELECT DISTINCT year FROM enterprise_figure ORDER BY year",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                i16::try_from(r.get::<_, i32>(0))
                    .map_err(|_| LedgerError::Data("a year out of range".to_owned()))
            })
            .collect()
    }

    fn count_enterprise_figures(&self, years: &[i16]) -> Result<usize, LedgerError> {
        let years: Vec<i32> = years.iter().copied().map(i32::from).collect();
        let n: i64 = self
            .client
            .borrow_mut()
            .query_one(
                "SELECT count(*) FROM enterprise_figure WHERE year = ANY($1)",
                &[&years],
            )?
            .get(0);
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn dump(&self) -> Result<Dump, LedgerError> {
        Ok(Dump {
            cases: self.rows(
                &SELECT_ENTRIES.replace(
                    "FROM ledger_entry",
                    ", parcel_geometry FROM ledger_entry ORDER BY id",
                ),
                &[],
                dump_case_from,
            )?,
            events: self.rows(
                "SELECT id, entry_id, \
                 to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), operator, \
                 action, step, before_json, after_json, reason FROM entry_event ORDER BY id",
                &[],
                dump_event_from,
            )?,
            figures: self.rows(
                "SELECT enterprise, year, output_10k_yuan, tax_10k_yuan, investment_10k_yuan, \
                 source, to_char(imported_at AT TIME ZONE 'UTC', \
                 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), imported_by \
                 FROM enterprise_figure ORDER BY year, enterprise",
                &[],
                dump_figure_from,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_file_lines_match_by_field_with_wildcards_and_escapes() {
        assert_eq!(
            split_pgpass(r"db\:host:5432:*:ann:pa\\ss\:word"),
            ["db:host", "5432", "*", "ann", r"pa\ss:word"]
        );
        let text =
            "# comment\nother:5432:*:ann:wrong\nlocalhost:5433:ledger:ann:right\n*:*:*:*:any\n";
        let config: Config = "postgresql://ann@localhost:5433/ledger"
            .parse()
            .expect("url");
        let found = pgpass_lookup(text, &config);
        let elsewhere: Config = "postgresql://bob@db.example/other".parse().expect("url");
        assert_eq!(pgpass_lookup(text, &elsewhere).as_deref(), Some("any"));
        assert_eq!(found.as_deref(), Some("right"));
        assert_eq!(shown_url(&config), "postgresql://ann@localhost:5433/ledger");
        let with_password: Config = "postgresql://ann:secret@db.example:6000/ledger"
            .parse()
            .expect("url");
        assert!(!shown_url(&with_password).contains("secret"));
        assert_eq!(
            shown_url_text(
                "postgresql://ann:secret@db:6000/ledger?sslmode=verify-full&password=x&table=parcels"
            ),
            "postgresql://ann@db:6000/ledger?sslmode=verify-full&table=parcels"
        );
        assert!(is_server_url("postgres://x@y/z") && is_server_url("PostgreSQL://x@y/z"));
        assert!(!is_server_url("/home/ann/ledger.sqlite"));
    }
}

/// What a [`Watcher`] hears.
#[derive(Debug)]
pub enum WatchEvent {
    /// The ledger changed (or the watcher connected again): the cases as they are now.
    Changed {
        entries: Vec<StoredEntry>,
        voided: Vec<StoredEntry>,
    },
    /// The server cannot be reached; the watcher tries again by itself, waiting longer each
    /// time (up to ten seconds).
    Offline(String),
}

/// Listens to a server ledger on a thread of its own (`LISTEN parkland_ledger`): every change
/// committed by anyone is read at once, on the watcher's own connection, and handed over
/// through [`Watcher::events`], so that a window shows it without waiting on the network.
/// A lost connection is made again with backoff, and the cases are read again then (changes
/// made meanwhile are not missed). Stops when dropped.
pub struct Watcher {
    receiver: std::sync::mpsc::Receiver<WatchEvent>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Watcher {
    /// Starts listening to the ledger at `url`; `wake` is called after each event is sent
    /// (a window asks for a repaint).
    pub fn start(url: &str, wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        use std::sync::atomic::{AtomicBool, Ordering};
        let (sender, receiver) = std::sync::mpsc::channel();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        let url = url.to_owned();
        std::thread::Builder::new()
            .name("ledger watcher".to_owned())
            .spawn(move || {
                let send = |event: WatchEvent| {
                    let sent = sender.send(event).is_ok();
                    wake();
                    sent
                };
                let mut backoff = Duration::from_millis(250);
                while !stopped.load(Ordering::Relaxed) {
                    match watch(&url, &stopped, &send) {
                        // Stopped, or the window is gone.
                        Ok(()) => return,
                        Err(why) => {
                            if !send(WatchEvent::Offline(why)) {
                                return;
                            }
                            std::thread::sleep(backoff);
                            backoff = (backoff * 2).min(Duration::from_secs(10));
                        }
                    }
                }
            })?;
        Ok(Self { receiver, stop })
    }

    /// What was heard since the last call, oldest first.
    #[must_use]
    pub fn events(&self) -> Vec<WatchEvent> {
        self.receiver.try_iter().collect()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// One connection's worth of watching: `Ok` when stopped (or nobody listens any more),
/// `Err` with why when the connection failed or was lost.
fn watch(
    url: &str,
    stop: &std::sync::atomic::AtomicBool,
    send: &dyn Fn(WatchEvent) -> bool,
) -> Result<(), String> {
    use postgres::fallible_iterator::FallibleIterator as _;
    let (store, _) = ServerStore::connect(url).map_err(|e| e.to_string())?;
    let (mut listener, _) = connect(url).map_err(|e| e.to_string())?;
    listener
        .batch_execute("LISTEN parkland_ledger")
        .map_err(|e| e.to_string())?;
    let read = |store: &ServerStore| -> Result<WatchEvent, String> {
        Ok(WatchEvent::Changed {
            entries: store.list(false).map_err(|e| e.to_string())?,
            voided: store.list(true).map_err(|e| e.to_string())?,
        })
    };
    // Read now: this is also how changes made while offline arrive.
    if !send(read(&store)?) {
        return Ok(());
    }
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let heard = listener
            .notifications()
            .timeout_iter(Duration::from_millis(250))
            .next()
            .map_err(|e| e.to_string())?;
        if listener.is_closed() {
            return Err("the connection to the ledger server was lost".to_owned());
        }
        if heard.is_some() {
            // Several commits in a row are read once.
            let _ = listener.notifications().iter().count();
            if !send(read(&store)?) {
                return Ok(());
            }
        }
    }
    Ok(())
}
