-- Schema version 6: the documents of each case (附件). The files live in a table of their
-- own, apart from the cases and from the list of files, so that listing, summarising and
-- copying cases never reads them. Removing a file only marks it: an administrator can bring
-- it back. Attaching and removing are events of the case.
CREATE TABLE attachment (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES ledger_entry (id),
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    removed_at  TEXT,
    removed_by  TEXT
);
CREATE INDEX attachment_entry_id ON attachment (entry_id);
CREATE TABLE attachment_content (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachment (id),
    content       BLOB NOT NULL
);
