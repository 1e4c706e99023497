"""The annual report's versions: composed on request (or by the yearly schedule), stored as immutable versions
per year, a new version only when the content changed, served as JSON and as files."""
