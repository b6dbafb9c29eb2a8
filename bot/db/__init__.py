"""The AR database: typed models, engine set-up and Alembic migrations."""
