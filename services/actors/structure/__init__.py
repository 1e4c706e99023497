"""Read models across the registry: an RSS at a glance, representatives, members, an organisation's history."""
