"""The role × route matrix of tests/accounts/test_accounts_matrix.py, in parts: the
vocabulary of its rows (`common`), one table of rows per domain, and the world they are
played in (`world`)."""
