"""Sweden's administrative division (SCB): 21 counties, 290 municipalities and their populations."""
