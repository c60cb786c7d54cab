"""One function per thing a user does; the CLI and the review desk call these."""
