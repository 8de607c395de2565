INSERT INTO ledger_entry (
    parcel_no, district, holder, parcel_area_m2, parcel_geometry,
    idle_land_m2, idle_building_m2, kind, subtype, cause, cause_text,
    identified_on, agreed_start_on, idle_since, deadline, completed_on,
    methods, method_other, progress, revitalized_land_m2, revitalized_building_m2,
    new_project, investment_10k_yuan, responsible_unit, notes,
    created_at, created_by, updated_at, updated_by
) VALUES (
    :parcel_no, :district, :holder, :parcel_area_m2, :parcel_geometry,
    :idle_land_m2, :idle_building_m2, :kind, :subtype, :cause, :cause_text,
    :identified_on, :agreed_start_on, :idle_since, :deadline, :completed_on,
    :methods, :method_other, :progress, :revitalized_land_m2, :revitalized_building_m2,
    :new_project, :investment_10k_yuan, :responsible_unit, :notes,
    :at, :operator, :at, :operator
)
