"""Dated relations between organisations: part of, member of, owner of, hosts, governs, successor of."""
