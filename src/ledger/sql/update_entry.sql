UPDATE ledger_entry SET
    version = version + 1,
    parcel_no = :parcel_no, district = :district, holder = :holder, parcel_area_m2 = :parcel_area_m2,
    idle_land_m2 = :idle_land_m2, idle_building_m2 = :idle_building_m2,
    kind = :kind, subtype = :subtype, cause = :cause, cause_text = :cause_text,
    identified_on = :identified_on, agreed_start_on = :agreed_start_on, idle_since = :idle_since,
    deadline = :deadline, completed_on = :completed_on,
    methods = :methods, method_other = :method_other, progress = :progress,
    revitalized_land_m2 = :revitalized_land_m2, revitalized_building_m2 = :revitalized_building_m2,
    new_project = :new_project, investment_10k_yuan = :investment_10k_yuan,
    responsible_unit = :responsible_unit, notes = :notes,
    deleted = :deleted, updated_at = :at, updated_by = :operator
WHERE id = :id AND version = :version
