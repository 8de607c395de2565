//! Writing the park as an OGC GeoPackage 1.3 that QGIS and GDAL open as it is.
//!
//! - `PRAGMA application_id = 0x47504B47` ('GPKG'), `user_version = 10300`;
//! - `gpkg_spatial_ref_sys` with the required rows -1 and 0 and EPSG:4326, `gpkg_contents` with
//!   each table's extent, `gpkg_geometry_columns`, `gpkg_extensions`;
//! - feature tables `districts` and `parcels` (`fid`, `geom` `MULTIPOLYGON` in EPSG:4326, then
//!   the attributes of [`crate::formats::columns`]; parcels carry their current ledger case), and the
//!   ledger as the attribute table `ledger` (fid = the case id);
//! - an R-tree spatial index per feature table (`rtree_<table>_geom`, extension
//!   `gpkg_rtree_index`), filled after the rows are in, with the triggers GDAL writes so that
//!   edits made later in QGIS keep it current.
//!
//! Everything is written in one transaction to a temporary file beside the target, which is
//! synced and then renamed over it: an existing file is replaced whole or not at all.

use super::binary::encode_gp_multipolygon;
use crate::formats::columns::{
    Cell, ColumnType, DISTRICT_COLUMNS, cases_by_parcel, ledger_row, ledger_schema, parcel_row,
    parcel_schema,
};
use crate::formats::{WriteError, replace_atomically};
use crate::ledger::StoredEntry;
use crate::model::Park;
use rusqlite::{Connection, Statement, Transaction, params};
use std::path::Path;

/// What a GeoPackage export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpkgSummary {
    pub districts: usize,
    pub parcels: usize,
    /// Rows of the `ledger` table (live cases).
    pub cases: usize,
    /// Parcels that carry a case.
    pub parcels_with_case: usize,
    pub bytes: u64,
}

/// The SRS of every feature table: WGS 84 lon/lat (CGCS2000 agrees to centimetres).
pub const SRS_ID: i32 = 4326;

const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

/// The GeoPackage core tables (OGC 12-128r18, Annex C), as GDAL creates them.
const CORE_SCHEMA: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
    srs_name TEXT NOT NULL,
    srs_id INTEGER NOT NULL PRIMARY KEY,
    organization TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL,
    definition TEXT NOT NULL,
    description TEXT
);
CREATE TABLE gpkg_contents (
    table_name TEXT NOT NULL PRIMARY KEY,
    data_type TEXT NOT NULL,
    identifier TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
    srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
    table_name TEXT NOT NULL,
    column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL,
    srs_id INTEGER NOT NULL,
    z TINYINT NOT NULL,
    m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT uk_gc_table_name UNIQUE (table_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
    table_name TEXT,
    column_name TEXT,
    extension_name TEXT NOT NULL,
    definition TEXT NOT NULL,
    scope TEXT NOT NULL,
    CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
";

/// Writes districts, parcels (with their current case) and the ledger to a GeoPackage.
///
/// `cases` are the ledger's cases (deleted ones are left out). An existing file at `path` is
/// replaced only once the new one is complete.
pub fn write_gpkg(
    park: &Park,
    cases: &[StoredEntry],
    path: &Path,
) -> Result<GpkgSummary, WriteError> {
    let shown = path.display().to_string();
    let sql_error = |source: rusqlite::Error| WriteError::Sql {
        path: shown.clone(),
        source,
    };
    let mut summary = GpkgSummary {
        districts: park.districts.len(),
        parcels: park.parcels.len(),
        cases: 0,
        parcels_with_case: 0,
        bytes: 0,
    };
    let bytes = replace_atomically(path, |temp| {
        let mut conn = Connection::open(temp).map_err(sql_error)?;
        // A fresh file that is renamed into place only when complete: no journal on disk and
        // no syncing by SQLite (the finished file is synced once before the rename).
        conn.execute_batch(
            "PRAGMA application_id = 1196444487;
             PRAGMA user_version = 10300;
             PRAGMA journal_mode = MEMORY;
             PRAGMA synchronous = OFF;
             PRAGMA cache_size = -65536;",
        )
        .map_err(sql_error)?;
        let tx = conn.transaction().map_err(sql_error)?;
        write_all(&tx, park, cases, &mut summary).map_err(sql_error)?;
        tx.commit().map_err(sql_error)?;
        conn.close().map_err(|(_, e)| sql_error(e))?;
        Ok(())
    })?;
    summary.bytes = bytes;
    Ok(summary)
}

fn write_all(
    tx: &Transaction<'_>,
    park: &Park,
    cases: &[StoredEntry],
    summary: &mut GpkgSummary,
) -> rusqlite::Result<()> {
    tx.execute_batch(CORE_SCHEMA)?;
    let mut srs = tx.prepare(
        "INSERT INTO gpkg_spatial_ref_sys
         (srs_name, srs_id, organization, organization_coordsys_id, definition, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    srs.execute(params![
        "Undefined Cartesian SRS",
        -1,
        "NONE",
        -1,
        "undefined",
        "undefined Cartesian coordinate reference system"
    ])?;
    srs.execute(params![
        "Undefined geographic SRS",
        0,
        "NONE",
        0,
        "undefined",
        "undefined geographic coordinate reference system"
    ])?;
    srs.execute(params![
        "WGS 84 geodetic",
        SRS_ID,
        "EPSG",
        SRS_ID,
        WGS84_WKT,
        "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
    ])?;
    drop(srs);

    // Districts.
    let district_schema: Vec<(&'static str, ColumnType)> =
        DISTRICT_COLUMNS.iter().map(|c| (c.name, c.kind)).collect();
    let mut table = FeatureTable::create(tx, "districts", "片区 districts", district_schema)?;
    for district in &park.districts {
        table.insert(&district.geometry, |cells| {
            cells.extend(DISTRICT_COLUMNS.iter().map(|c| (c.value)(district)));
        })?;
    }
    table.finish(tx)?;

    // Parcels with their current case.
    let by_parcel = cases_by_parcel(cases);
    let mut table = FeatureTable::create(tx, "parcels", "宗地 parcels", parcel_schema())?;
    for parcel in &park.parcels {
        let case = by_parcel.get(parcel.parcel_no.as_str()).copied();
        summary.parcels_with_case += usize::from(case.is_some());
        table.insert(&parcel.geometry, |cells| {
            parcel_row(parcel, case, |_, _, cell| cells.push(cell));
        })?;
    }
    table.finish(tx)?;

    // The ledger as attributes.
    let schema = ledger_schema();
    create_table(tx, "ledger", None, &schema)?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
         VALUES ('ledger', 'attributes', 'ledger', ?1)",
        ["低效闲置工业用地台账 idle and low-efficiency industrial land ledger"],
    )?;
    let mut insert = tx.prepare(&insert_sql("ledger", None, &schema, 1))?;
    let mut cells: Vec<Cell<'_>> = Vec::with_capacity(schema.len());
    for stored in cases.iter().filter(|c| !c.deleted) {
        cells.clear();
        ledger_row(stored, |_, _, cell| cells.push(cell));
        insert.raw_bind_parameter(1, stored.id)?;
        for (i, cell) in cells.iter().enumerate() {
            insert.raw_bind_parameter(i + 2, cell)?;
        }
        insert.raw_execute()?;
        summary.cases += 1;
    }
    Ok(())
}

/// `"name"` with inner quotes doubled.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn create_table(
    tx: &Transaction<'_>,
    name: &str,
    geometry: Option<&str>,
    schema: &[(&str, ColumnType)],
) -> rusqlite::Result<()> {
    let mut sql = format!(
        "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL",
        quote(name)
    );
    if let Some(geometry) = geometry {
        sql.push_str(", geom ");
        sql.push_str(geometry);
    }
    for (column, kind) in schema {
        sql.push_str(", ");
        sql.push_str(&quote(column));
        sql.push(' ');
        sql.push_str(kind.sql());
    }
    sql.push(')');
    tx.execute_batch(&sql)
}

/// `INSERT INTO name (fid[, geom], columns...) VALUES (?, ...)`, repeated for `rows` rows.
fn insert_sql(
    name: &str,
    geometry: Option<&str>,
    schema: &[(&str, ColumnType)],
    rows: usize,
) -> String {
    let mut columns = vec!["fid".to_owned()];
    columns.extend(geometry.map(|_| "geom".to_owned()));
    columns.extend(schema.iter().map(|(c, _)| quote(c)));
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        quote(name),
        columns.join(", "),
        vec![row; rows].join(", ")
    )
}

/// Rows per INSERT statement: one statement (and one `sqlite_sequence` update) per hundred
/// features instead of one per feature.
const BATCH_ROWS: usize = 100;

/// A feature table being filled: rows first (in batches), then its R-tree, extent and
/// triggers.
struct FeatureTable<'tx, 'a> {
    name: &'static str,
    schema: Vec<(&'static str, ColumnType)>,
    /// The statement for a full batch.
    insert: Statement<'tx>,
    /// Rows waiting for the next batch: fids, geometry blobs end to end, cells row by row.
    fids: Vec<i64>,
    blobs: Vec<u8>,
    blob_ends: Vec<usize>,
    cells: Vec<Cell<'a>>,
    /// `(fid, [minx, maxx, miny, maxy])` of each non-empty geometry, for the R-tree.
    envelopes: Vec<(i64, [f64; 4])>,
    next_fid: i64,
}

impl<'tx, 'a> FeatureTable<'tx, 'a> {
    fn create(
        tx: &'tx Transaction<'_>,
        name: &'static str,
        description: &str,
        schema: Vec<(&'static str, ColumnType)>,
    ) -> rusqlite::Result<Self> {
        create_table(tx, name, Some("MULTIPOLYGON"), &schema)?;
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
             VALUES (?1, 'features', ?1, ?2, ?3)",
            params![name, description, SRS_ID],
        )?;
        tx.execute(
            "INSERT INTO gpkg_geometry_columns
             (table_name, column_name, geometry_type_name, srs_id, z, m)
             VALUES (?1, 'geom', 'MULTIPOLYGON', ?2, 0, 0)",
            params![name, SRS_ID],
        )?;
        let insert = tx.prepare(&insert_sql(name, Some("geom"), &schema, BATCH_ROWS))?;
        Ok(Self {
            name,
            cells: Vec::with_capacity(BATCH_ROWS * schema.len()),
            schema,
            insert,
            fids: Vec::with_capacity(BATCH_ROWS),
            blobs: Vec::with_capacity(BATCH_ROWS * 512),
            blob_ends: Vec::with_capacity(BATCH_ROWS),
            envelopes: Vec::new(),
            next_fid: 1,
        })
    }

    /// Adds a feature; `cells` pushes one cell per column of the schema.
    fn insert(
        &mut self,
        geometry: &geo::MultiPolygon<f64>,
        cells: impl FnOnce(&mut Vec<Cell<'a>>),
    ) -> rusqlite::Result<()> {
        let fid = self.next_fid;
        self.next_fid += 1;
        if let Some(envelope) = encode_gp_multipolygon(geometry, SRS_ID, &mut self.blobs) {
            self.envelopes.push((fid, envelope));
        }
        self.fids.push(fid);
        self.blob_ends.push(self.blobs.len());
        let before = self.cells.len();
        cells(&mut self.cells);
        debug_assert_eq!(self.cells.len() - before, self.schema.len());
        if self.fids.len() == BATCH_ROWS {
            Self::flush(
                &mut self.insert,
                &self.fids,
                &self.blobs,
                &self.blob_ends,
                &self.cells,
            )?;
            self.fids.clear();
            self.blobs.clear();
            self.blob_ends.clear();
            self.cells.clear();
        }
        Ok(())
    }

    /// Binds the waiting rows to a statement made for that many rows, and runs it.
    fn flush(
        statement: &mut Statement<'_>,
        fids: &[i64],
        blobs: &[u8],
        blob_ends: &[usize],
        cells: &[Cell<'_>],
    ) -> rusqlite::Result<()> {
        let width = cells.len() / fids.len().max(1);
        let mut parameter = 1;
        let mut start = 0;
        for (row, (fid, &end)) in fids.iter().zip(blob_ends).enumerate() {
            statement.raw_bind_parameter(parameter, fid)?;
            statement.raw_bind_parameter(parameter + 1, &blobs[start..end])?;
            parameter += 2;
            start = end;
            for cell in &cells[row * width..(row + 1) * width] {
                statement.raw_bind_parameter(parameter, cell)?;
                parameter += 1;
            }
        }
        statement.raw_execute()?;
        Ok(())
    }

    /// Fills the R-tree, records the extent and the index extension, creates the triggers.
    fn finish(self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        if !self.fids.is_empty() {
            let mut rest = tx.prepare(&insert_sql(
                self.name,
                Some("geom"),
                &self.schema,
                self.fids.len(),
            ))?;
            Self::flush(
                &mut rest,
                &self.fids,
                &self.blobs,
                &self.blob_ends,
                &self.cells,
            )?;
        }
        let Self {
            name,
            insert,
            mut envelopes,
            ..
        } = self;
        drop(insert);
        let extent = envelopes.iter().map(|(_, e)| *e).reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].max(b[1]),
                a[2].min(b[2]),
                a[3].max(b[3]),
            ]
        });
        // Inserting boxes in Hilbert order of their centres keeps the R-tree's working set
        // small, and gives a tighter tree than file order.
        if let Some(extent) = extent {
            envelopes.sort_by_cached_key(|(_, e)| hilbert_key(e, &extent));
        }
        let rtree = quote(&format!("rtree_{name}_geom"));
        tx.execute_batch(&format!(
            "CREATE VIRTUAL TABLE {rtree} USING rtree(id, minx, maxx, miny, maxy)"
        ))?;
        {
            let mut insert =
                tx.prepare(&format!("INSERT INTO {rtree} VALUES (?1, ?2, ?3, ?4, ?5)"))?;
            for (fid, [min_x, max_x, min_y, max_y]) in &envelopes {
                insert.execute(params![fid, min_x, max_x, min_y, max_y])?;
            }
        }
        if let Some([min_x, max_x, min_y, max_y]) = extent {
            tx.execute(
                "UPDATE gpkg_contents SET min_x = ?2, min_y = ?3, max_x = ?4, max_y = ?5
                 WHERE table_name = ?1",
                params![name, min_x, min_y, max_x, max_y],
            )?;
        }
        tx.execute(
            "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
             VALUES (?1, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec130/#extension_rtree', 'write-only')",
            [name],
        )?;
        tx.execute_batch(&rtree_triggers(name))
    }
}

/// The position of a box's centre along a Hilbert curve of 2^16 × 2^16 cells over `extent`
/// (`[minx, maxx, miny, maxy]`).
fn hilbert_key(envelope: &[f64; 4], extent: &[f64; 4]) -> u64 {
    const SIDE: u32 = 1 << 16;
    let cell = |v: f64, min: f64, max: f64| {
        let t = if max > min {
            (v - min) / (max - min)
        } else {
            0.0
        };
        ((t * f64::from(SIDE - 1)).round() as u32).min(SIDE - 1)
    };
    let mut x = cell(
        f64::midpoint(envelope[0], envelope[1]),
        extent[0],
        extent[1],
    );
    let mut y = cell(
        f64::midpoint(envelope[2], envelope[3]),
        extent[2],
        extent[3],
    );
    let mut key = 0_u64;
    let mut s = SIDE / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        key += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        // Rotate the quadrant so that the curve stays continuous.
        if ry == 0 {
            if rx == 1 {
                x = SIDE - 1 - x;
                y = SIDE - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    key
}

/// The R-tree triggers of GeoPackage 1.2/1.3 (Annex F.3), as GDAL writes them. They call
/// `ST_IsEmpty`, `ST_MinX`, ... which GDAL and QGIS provide; Parkland never edits the file.
fn rtree_triggers(table: &str) -> String {
    let t = quote(table);
    let r = quote(&format!("rtree_{table}_geom"));
    let trigger = |suffix: &str| quote(&format!("rtree_{table}_geom_{suffix}"));
    let values = "(NEW.\"fid\", ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"), \
                  ST_MinY(NEW.\"geom\"), ST_MaxY(NEW.\"geom\"))";
    format!(
        "CREATE TRIGGER {insert} AFTER INSERT ON {t} \
           WHEN (new.\"geom\" NOT NULL AND NOT ST_IsEmpty(NEW.\"geom\")) \
           BEGIN INSERT OR REPLACE INTO {r} VALUES {values}; END;
         CREATE TRIGGER {update1} AFTER UPDATE OF \"geom\" ON {t} \
           WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT ST_IsEmpty(NEW.\"geom\")) \
           BEGIN INSERT OR REPLACE INTO {r} VALUES {values}; END;
         CREATE TRIGGER {update2} AFTER UPDATE OF \"geom\" ON {t} \
           WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR ST_IsEmpty(NEW.\"geom\")) \
           BEGIN DELETE FROM {r} WHERE id = OLD.\"fid\"; END;
         CREATE TRIGGER {update3} AFTER UPDATE ON {t} \
           WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT ST_IsEmpty(NEW.\"geom\")) \
           BEGIN DELETE FROM {r} WHERE id = OLD.\"fid\"; INSERT OR REPLACE INTO {r} VALUES {values}; END;
         CREATE TRIGGER {update4} AFTER UPDATE ON {t} \
           WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR ST_IsEmpty(NEW.\"geom\")) \
           BEGIN DELETE FROM {r} WHERE id IN (OLD.\"fid\", NEW.\"fid\"); END;
         CREATE TRIGGER {delete} AFTER DELETE ON {t} \
           WHEN old.\"geom\" NOT NULL \
           BEGIN DELETE FROM {r} WHERE id = OLD.\"fid\"; END;",
        insert = trigger("insert"),
        update1 = trigger("update1"),
        update2 = trigger("update2"),
        update3 = trigger("update3"),
        update4 = trigger("update4"),
        delete = trigger("delete"),
    )
}
