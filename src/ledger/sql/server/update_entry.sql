UPDATE ledger_entry SET
    version = version + 1,
    parcel_no = $1, district = $2, holder = $3, parcel_area_m2 = $4,
    idle_land_m2 = $5, idle_building_m2 = $6,
    kind = $7, subtype = $8, cause = $9, cause_text = $10,
    identified_on = $11::text::date, agreed_start_on = $12::text::date, idle_since = $13::text::date,
    deadline = $14::text::date, completed_on = $15::text::date,
    methods = $16, method_other = $17, progress = $18,
    revitalized_land_m2 = $19, revitalized_building_m2 = $20,
    new_project = $21, investment_10k_yuan = $22,
    responsible_unit = $23, notes = $24,
    deleted = $27, updated_at = $28::text::timestamptz, updated_by = $29
WHERE id = $25 AND version = $26
