"""Posts (seats) in organisations, groups and networks, and the memberships of the people who hold them."""
