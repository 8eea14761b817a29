"""How the course behaves in a notebook: friendly error messages, and scaffolds that run with their blanks."""
