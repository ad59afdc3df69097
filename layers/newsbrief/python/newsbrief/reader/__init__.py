"""Reader pages: server-rendered HTML for readers, and the button newsrooms embed."""
