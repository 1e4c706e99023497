"""Activities the RSS record through the year (meetings, development work, promising examples, conferences): a
county system records its own county's, a national administrator any county's or national ones. The annual
report lists the year's."""
