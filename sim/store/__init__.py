"""Results folders: layout, the one reader, ownership of files, staging and commit, local or URL."""
