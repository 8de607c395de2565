INSERT INTO ledger_entry (
    parcel_no, district, holder, parcel_area_m2,
    idle_land_m2, idle_building_m2, kind, subtype, cause, cause_text,
    identified_on, agreed_start_on, idle_since, deadline, completed_on,
    methods, method_other, progress, revitalized_land_m2, revitalized_building_m2,
    new_project, investment_10k_yuan, responsible_unit, notes,
    parcel_geometry, created_at, created_by, updated_at, updated_by
) VALUES (
    $1, $2, $3, $4,
    $5, $6, $7, $8, $9, $10,
    $11::text::date, $12::text::date, $13::text::date, $14::text::date, $15::text::date,
    $16, $17, $18, $19, $20,
    $21, $22, $23, $24,
    $25, $26::text::timestamptz, $27, $26::text::timestamptz, $27
)
RETURNING id
