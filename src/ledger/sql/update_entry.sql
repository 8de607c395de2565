UPDATE ledger_entry SET
    version = version + 1,
    idle_land_m2 = ?3, idle_building_m2 = ?4, kind = ?5, subtype = ?6, cause = ?7, cause_text = ?8,
    identified_on = ?9, agreed_start_on = ?10, idle_since = ?11, deadline = ?12, completed_on = ?13,
    methods = ?14, method_other = ?15, progress = ?16,
    revitalized_land_m2 = ?17, revitalized_building_m2 = ?18,
    new_project = ?19, investment_10k_yuan = ?20, responsible_unit = ?21, notes = ?22,
    holder = ?23, district = ?24, deleted = ?25,
    updated_at = ?26, updated_by = ?27
WHERE id = ?1 AND version = ?2
