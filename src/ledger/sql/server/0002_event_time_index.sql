-- Schema version 2: the ledger as of any date (时间轴) counts each case's events before an
-- instant and finds its last from this index alone (the event id is included, so the scan
-- never visits the table), without reading the events' JSON. It serves the lookups by case
-- the old index served.
CREATE INDEX entry_event_entry_at ON entry_event (entry_id, at) INCLUDE (id);
DROP INDEX IF EXISTS entry_event_entry_id;
