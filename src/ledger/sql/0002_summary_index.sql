-- Schema version 2: a covering index for the ledger summary, so that `summary` reads the index
-- instead of every row with its texts and geometry.
CREATE INDEX ledger_entry_summary ON ledger_entry (
    deleted, progress, methods, idle_land_m2, revitalized_land_m2, revitalized_building_m2
);
