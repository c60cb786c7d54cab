"""What the commands print: tables and JSON for the terminal."""
