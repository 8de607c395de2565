SELECT id, parcel_no, progress, methods, idle_land_m2, revitalized_land_m2, revitalized_building_m2
FROM ledger_entry INDEXED BY ledger_entry_figures
WHERE deleted = 0
