-- Schema version 4: the ledger as of any date (时间轴) read from one table. Every event is
-- also a state of its case, valid from the event's time until its case's next event: the
-- ledger as of an instant is the states whose span holds it, with no search per case. The
-- states are written in the order of their events, so a block-range (BRIN) index of the
-- spans skips the pages of states that ended before the instant or began after it (100,000
-- cases with 500,000 events as of a date: a fifth of the table read; through the events'
-- index it was 616 ms). The states are the server's, kept by one trigger per statement that
-- appends events (a copy of 500,000 events is one set-based pass, where a trigger per row
-- made `ledger copy` 13 s); no account writes them.
CREATE TABLE entry_state (
    entry_id    bigint NOT NULL,
    event_id    bigint NOT NULL,
    -- How many events the case had with this one: its version then.
    version     bigint NOT NULL,
    valid_from  timestamptz NOT NULL,
    -- The next event's time; infinity while this is the case's latest state.
    valid_until timestamptz NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text NOT NULL,
    operator    text NOT NULL,
    action      text NOT NULL,
    -- The values the event left (a deletion's: those before it), as JSON.
    snapshot    text
);
-- Each case's latest state, which the next event closes.
CREATE INDEX entry_state_open ON entry_state (entry_id) WHERE valid_until = 'infinity';
-- Ranges filled by everyday changes are summarised by autovacuum as they fill; until then
-- they are read whole, which is never wrong.
CREATE INDEX entry_state_span ON entry_state USING brin (valid_from, valid_until)
    WITH (pages_per_range = 8, autosummarize = on);

-- Runs as the owner: accounts append events, the states follow. The spans are numbered on
-- the narrow columns (sorting the events' JSON along took a copy's 300,000 events to disk),
-- and the states are written in the events' order. A large append is summarised in the span
-- index at once (ranges not summarised yet are read whole), not at the next vacuum.
CREATE FUNCTION parkland_track_state() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET work_mem = '64MB' AS $$
BEGIN
    -- Appends to one case one at a time: Parkland's writes hold their cases already, but an
    -- account may insert events itself, and two appends closing the same state at once would
    -- leave the case two open states. Only cases with a state are taken: a case gets its
    -- first event in the transaction that registers it, which no other can see (taking the
    -- 100,000 new cases of a copy made it 1.8 s slower).
    PERFORM 1 FROM ledger_entry c
     WHERE c.id IN (SELECT entry_id FROM appended)
       AND EXISTS (SELECT 1 FROM entry_state s
                    WHERE s.entry_id = c.id AND s.valid_until = 'infinity')
     ORDER BY c.id FOR UPDATE;
    WITH spans AS (
        SELECT id, entry_id, at, row_number() OVER w AS n,
               lead(at, 1, 'infinity') OVER w AS until
        FROM appended
        WINDOW w AS (PARTITION BY entry_id ORDER BY id)
    ), closed AS (
        UPDATE entry_state s SET valid_until = f.at
        FROM spans f
        WHERE f.n = 1 AND s.entry_id = f.entry_id AND s.valid_until = 'infinity'
        RETURNING s.entry_id, s.version
    )
    INSERT INTO entry_state (entry_id, event_id, version, valid_from, valid_until,
                             created_at, created_by, operator, action, snapshot)
    SELECT e.entry_id, e.id, coalesce(p.version, 0) + s.n, e.at, s.until,
           c.created_at, c.created_by, e.operator, e.action,
           CASE e.action WHEN 'delete' THEN e.before_json ELSE e.after_json END
    FROM appended e
    JOIN spans s ON s.id = e.id
    JOIN ledger_entry c ON c.id = e.entry_id
    LEFT JOIN closed p ON p.entry_id = e.entry_id;
    IF (SELECT count(*) FROM appended) >= 10000 THEN
        PERFORM brin_summarize_new_values('entry_state_span');
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER entry_event_state AFTER INSERT ON entry_event
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION parkland_track_state();

-- The states of the events already recorded.
INSERT INTO entry_state (entry_id, event_id, version, valid_from, valid_until,
                         created_at, created_by, operator, action, snapshot)
SELECT e.entry_id, e.id, row_number() OVER w, e.at, lead(e.at, 1, 'infinity') OVER w,
       c.created_at, c.created_by, e.operator, e.action,
       CASE e.action WHEN 'delete' THEN e.before_json ELSE e.after_json END
FROM entry_event e
JOIN ledger_entry c ON c.id = e.entry_id
WINDOW w AS (PARTITION BY e.entry_id ORDER BY e.id)
ORDER BY e.id;
SELECT brin_summarize_new_values('entry_state_span');

REVOKE ALL ON entry_state FROM PUBLIC;
GRANT SELECT ON entry_state TO parkland_viewer;
