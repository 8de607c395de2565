-- Schema version 1: ledger entries with their parcel snapshot, and every change as an event.
CREATE TABLE ledger_entry (
    id                      INTEGER PRIMARY KEY,
    version                 INTEGER NOT NULL DEFAULT 1,
    deleted                 INTEGER NOT NULL DEFAULT 0,
    -- Snapshot of the parcel at registration, so the ledger stays true when the parcel file changes.
    parcel_no               TEXT NOT NULL,
    district                TEXT,
    holder                  TEXT,
    parcel_area_m2          REAL NOT NULL DEFAULT 0,
    parcel_geometry         TEXT,
    idle_land_m2            REAL NOT NULL DEFAULT 0,
    idle_building_m2        REAL NOT NULL DEFAULT 0,
    kind                    TEXT NOT NULL,
    subtype                 TEXT,
    cause                   TEXT NOT NULL,
    cause_text              TEXT NOT NULL DEFAULT '',
    identified_on           TEXT,
    agreed_start_on         TEXT,
    idle_since              TEXT,
    deadline                TEXT,
    completed_on            TEXT,
    methods                 TEXT NOT NULL DEFAULT '[]',
    method_other            TEXT NOT NULL DEFAULT '',
    progress                TEXT NOT NULL,
    revitalized_land_m2     REAL NOT NULL DEFAULT 0,
    revitalized_building_m2 REAL NOT NULL DEFAULT 0,
    new_project             TEXT NOT NULL DEFAULT '',
    investment_10k_yuan     REAL NOT NULL DEFAULT 0,
    responsible_unit        TEXT NOT NULL DEFAULT '',
    notes                   TEXT NOT NULL DEFAULT '',
    created_at              TEXT NOT NULL,
    created_by              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    updated_by              TEXT NOT NULL
);
CREATE INDEX ledger_entry_parcel_no ON ledger_entry (parcel_no);

CREATE TABLE entry_event (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES ledger_entry (id),
    at          TEXT NOT NULL,
    operator    TEXT NOT NULL,
    -- create, update, delete, undo, redo, import
    action      TEXT NOT NULL,
    -- the progress after the change
    step        TEXT,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX entry_event_entry_id ON entry_event (entry_id);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
