-- Schema version 3: enterprise figures (企业指标) per enterprise and year, as the statistics
-- office reports them (万元), for 亩均税收 and 亩均产值. An import replaces the years it holds.
CREATE TABLE enterprise_figure (
    -- 企业名称, as the parcels' holder (土地使用权人) spells it (trimmed)
    enterprise          TEXT NOT NULL,
    year                INTEGER NOT NULL,
    output_10k_yuan     REAL NOT NULL DEFAULT 0,
    tax_10k_yuan        REAL NOT NULL DEFAULT 0,
    investment_10k_yuan REAL NOT NULL DEFAULT 0,
    -- the file it came from, when and by whom
    source              TEXT NOT NULL DEFAULT '',
    imported_at         TEXT NOT NULL,
    imported_by         TEXT NOT NULL,
    PRIMARY KEY (enterprise, year)
);
CREATE INDEX enterprise_figure_year ON enterprise_figure (year);
