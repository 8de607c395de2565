SELECT progress, methods, idle_land_m2, revitalized_land_m2, revitalized_building_m2
FROM ledger_entry INDEXED BY ledger_entry_summary
WHERE deleted = 0
