-- Schema version 4: voiding (作废) and corrections (更正) carry a reason, kept with their event;
-- the summary's covering index also holds the parcel number, so that the figures can count one
-- open case per parcel without reading the rows.
ALTER TABLE entry_event ADD COLUMN reason TEXT;
DROP INDEX IF EXISTS ledger_entry_summary;
CREATE INDEX ledger_entry_figures ON ledger_entry (
    deleted, parcel_no, progress, methods, idle_land_m2, revitalized_land_m2, revitalized_building_m2
);
