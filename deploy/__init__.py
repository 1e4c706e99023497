"""Running the platform: the local process stack (make run, cross-service tests) and container files."""
